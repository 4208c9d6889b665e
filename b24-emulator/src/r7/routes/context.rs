//! What route handlers share: the context of a call ([`Ctx`]) with its access-checked case
//! lookups, paging and bulk selection, the answer constructors and the case filter.

use serde_json::Value;

use crate::r7::render::Answer;
use crate::r7::state::{Case, Data, User, can_read};
use crate::r7::wire::{Failure, Params};

/// What a route handler answers.
pub type Outcome = Result<Answer, Failure>;

/// A route handler.
pub type Handler = fn(&mut Ctx<'_>) -> Outcome;

/// Everything a route handler sees.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The locked portal data.
    pub data: &'a mut Data,
    /// The authenticated caller.
    pub user: &'static User,
    /// The parameters.
    pub params: &'a Params,
    /// The portal's time-zone offset, minutes.
    pub zone: i32,
    /// The server's `maxPage`.
    pub max_page: usize,
}

impl Answer {
    /// 200 with `response`.
    pub fn ok(response: Value) -> Outcome {
        Ok(Answer {
            status: 200,
            response,
            paging: None,
        })
    }

    /// 201 with `response` (every successful POST).
    pub fn created(response: Value) -> Outcome {
        Ok(Answer {
            status: 201,
            response,
            paging: None,
        })
    }
}

impl Ctx<'_> {
    /// A case the caller may read (404 otherwise, as on the server).
    pub fn readable(&self, id: i64) -> Result<&Case, Failure> {
        self.data
            .cases
            .get(&id)
            .filter(|case| can_read(self.user, case))
            .ok_or_else(Failure::not_found)
    }

    /// A case the caller may read, to change.
    pub fn readable_mut(&mut self, id: i64) -> Result<&mut Case, Failure> {
        self.readable(id)?;
        self.data.cases.get_mut(&id).ok_or_else(Failure::not_found)
    }

    /// The `CasesWrapper` of case `id` as the caller sees it.
    pub fn case_wrapper(&self, id: i64) -> Value {
        self.data.cases.get(&id).map_or(Value::Null, |case| {
            self.data.case_wrapper(case, self.user, self.zone)
        })
    }

    /// A paged list (`startIndex`, `count` up to `maxPage`) of `items`.
    pub fn page<T>(&self, items: Vec<T>, wrap: impl Fn(&T) -> Value) -> Outcome {
        let param = |name| -> Result<usize, Failure> {
            let value = self.params.int(name)?.unwrap_or(0).max(0);
            Ok(usize::try_from(value).unwrap_or(0))
        };
        let start = param("startIndex")?;
        let count = match param("count")? {
            0 => self.max_page,
            count => count.min(self.max_page),
        };
        let total = items.len();
        let page = items.iter().skip(start).take(count).map(wrap).collect();
        Ok(Answer {
            status: 200,
            response: Value::Array(page),
            paging: Some((start, total)),
        })
    }

    /// The case IDs a bulk route works on: listed in parameter `name`, or chosen by the case
    /// filter (`contactid`, `isClosed`, `tags`, `filterValue`).
    pub fn bulk_ids(&self, listed: Option<&str>) -> Result<Vec<i64>, Failure> {
        match listed {
            Some(name) => self.params.ids(name),
            None => {
                let filter = Filter::read(self.params)?;
                Ok(self
                    .data
                    .cases
                    .values()
                    .filter(|case| filter.matches(case))
                    .map(|case| case.id)
                    .collect())
            }
        }
    }
}

/// The case filter of `crm/case/filter` and the bulk routes.
pub struct Filter {
    contact: Option<i64>,
    closed: Option<bool>,
    tags: Vec<String>,
    search: Option<String>,
}

impl Filter {
    /// `contactid`, `isClosed`, `tags`, `filterValue`.
    pub fn read(params: &Params) -> Result<Filter, Failure> {
        Ok(Filter {
            contact: params.int("contactid")?.filter(|id| *id != 0),
            closed: params.bool("isClosed")?,
            tags: params.list("tags"),
            search: params.text("filterValue").filter(|text| !text.is_empty()),
        })
    }

    /// Whether `case` passes.
    pub fn matches(&self, case: &Case) -> bool {
        self.contact.is_none_or(|id| case.members.contains(&id))
            && self.closed.is_none_or(|closed| case.closed == closed)
            && self.tags.iter().all(|tag| case.tags.contains(tag))
            && self
                .search
                .as_ref()
                .is_none_or(|text| case.title.to_lowercase().contains(&text.to_lowercase()))
    }
}
