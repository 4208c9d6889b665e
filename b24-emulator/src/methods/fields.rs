//! `*.fields` answers: the description object of one field.

use crate::value::Value;

/// What `*.fields` says about one field.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// Type name (`integer`, `string`, `crm_multifield`, …).
    pub ty: &'a str,
    /// `isRequired`.
    pub required: bool,
    /// `isReadOnly`.
    pub read_only: bool,
    /// `isMultiple`.
    pub multiple: bool,
    /// `title`.
    pub title: &'a str,
}

impl<'a> Field<'a> {
    /// An optional, writable, single-valued field.
    pub fn new(ty: &'a str, title: &'a str) -> Self {
        Field {
            ty,
            required: false,
            read_only: false,
            multiple: false,
            title,
        }
    }

    /// Marked required.
    pub fn required(self) -> Self {
        Field {
            required: true,
            ..self
        }
    }

    /// Marked read-only.
    pub fn read_only(self) -> Self {
        Field {
            read_only: true,
            ..self
        }
    }

    /// Marked multiple.
    pub fn multiple(self) -> Self {
        Field {
            multiple: true,
            ..self
        }
    }

    /// The description object (`isImmutable` and `isDynamic` are always `false`).
    pub fn describe(self) -> Value {
        Value::object([
            ("type", Value::from(self.ty)),
            ("isRequired", Value::Bool(self.required)),
            ("isReadOnly", Value::Bool(self.read_only)),
            ("isImmutable", Value::Bool(false)),
            ("isMultiple", Value::Bool(self.multiple)),
            ("isDynamic", Value::Bool(false)),
            ("title", Value::from(self.title)),
        ])
    }
}

/// `{"fields": {name: description, …}}`.
pub fn answer<'a>(fields: impl IntoIterator<Item = (&'a str, Field<'a>)>) -> Value {
    Value::object([(
        "fields",
        Value::object(fields.into_iter().map(|(name, f)| (name, f.describe()))),
    )])
}
