//! Builder setters, one line each: the builders of both emulators have many settings that are
//! stored as given.

/// Generates builder methods `pub fn name(mut self, name: Type) -> Self` that store their
/// argument in the given field (a path like `config.port`); the doc comments written before
/// each line go on its method.
macro_rules! setters {
    ($($(#[$meta:meta])* $name:ident: $ty:ty => $($field:ident).+;)*) => {
        $(
            $(#[$meta])*
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$($field).+ = $name;
                self
            }
        )*
    };
}

pub(crate) use setters;
