//! Prebuilt, typed Bitrix24 REST methods for [`b24_core`]: every documented classic (v2)
//! method, generated from the documentation's catalog by `cargo xtask gen-methods`.
//!
//! One module per method, in a tree that mirrors the method name
//! (`crm.automatedsolution.add` → [`crm::automatedsolution::add`], `disk.folder.uploadFile` →
//! `disk::folder::upload_file`), one cargo feature per scope (`crm`, `im`, `telephony`,
//! `sonet_group`, …; `full` enables all). The methods of the global scope (`batch`, `scope`,
//! `methods`, `profile`, `app.info`, `server.time`, `event.*`, …) are always available.
//!
//! Request types are named after the whole method name in PascalCase (`crm.deal.add` →
//! `CrmDealAdd`); nested parameter objects and returned objects add the field's name
//! (`CrmDealAddFields`, `CrmDealGetResult`). Every generated struct keeps parameters and
//! fields it does not list (user fields `UF_*`, undocumented ones) in `extra`, so nothing is
//! dropped and a body round-trips unchanged. Hand-refined methods keep their own names
//! (`AutomatedSolutionAdd`, `Profile`, …). REST 3.0 methods (`mail`, `note`, `main_`, …) are
//! declared with `version = 3`: call them with `client.v3()`; [`EXCLUDED`] is empty.
//!
//! ```no_run
//! # #[cfg(feature = "crm")] // the example's method needs the `crm` feature
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

#![allow(clippy::module_inception)]

mod generated;
mod refined;
// The request round-trip of every method and the item decoding of every list method, for the
// catalog tests only: users' builds (even with `full`) do not compile them.
#[cfg(feature = "roundtrip")]
mod roundtrip;
#[doc(hidden)]
pub mod wire;

pub use generated::EXCLUDED;
#[cfg(feature = "roundtrip")]
#[doc(hidden)]
pub use roundtrip::{list_item, list_item_type, roundtrip};

// @generated modules: begin (`cargo xtask gen-methods` rewrites this block)
pub mod access;
pub mod ai;
pub mod app;
pub mod batch;
pub mod biconnector;
pub mod bizproc;
pub mod booking;
pub mod calendar;
pub mod call;
pub mod catalog;
pub mod crm;
pub mod department;
pub mod disk;
pub mod documentgenerator;
pub mod entity;
pub mod event;
pub mod events;
pub mod feature;
pub mod humanresources;
pub mod im;
pub mod imbot;
pub mod imconnector;
pub mod imopenlines;
pub mod landing;
pub mod lists;
pub mod log;
pub mod mail;
pub mod mailservice;
pub mod main_;
pub mod messageservice;
pub mod method;
pub mod methods;
pub mod note;
pub mod placement;
pub mod profile;
pub mod pull;
pub mod rpa;
pub mod sale;
pub mod salescenter;
pub mod scope;
pub mod server;
pub mod sign;
pub mod socialnetwork;
pub mod sonet_group;
pub mod task;
pub mod tasks;
pub mod telephony;
pub mod timeman;
pub mod user;
pub mod userconsent;
pub mod userfieldconfig;
pub mod userfieldtype;
pub mod vote;
pub mod voximplant;
// @generated modules: end

#[cfg(feature = "r7")]
pub mod r7;
