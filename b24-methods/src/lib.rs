//! Prebuilt, typed Bitrix24 REST methods for [`b24_core`].
//!
//! One module per method, in a tree that mirrors the method name
//! (`crm.automatedsolution.add` → [`crm::automatedsolution::add`]), one cargo feature per scope
//! (`crm`, `im`, `telephony`, …; `full` enables all). The service methods of the global scope
//! (`scope`, `methods`, `profile`, `app.info`, `server.time`) are always available.
//!
//! ```no_run
//! # async fn demo() -> Result<(), b24_core::Error> {
//! use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
//!
//! let client = b24_core::Client::webhook("https://example.bitrix24.com/rest/1/your-webhook-code/")?;
//! let added = client
//!     .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("HR").with_type_ids([1, 2])))
//!     .await?;
//! println!("created #{}", added.automated_solution.id);
//! # Ok(()) }
//! ```

pub mod app;
pub mod methods;
pub mod profile;
pub mod scope;
pub mod server;

#[cfg(feature = "crm")]
pub mod crm;
#[cfg(feature = "im")]
pub mod im;
#[cfg(feature = "telephony")]
pub mod voximplant;
