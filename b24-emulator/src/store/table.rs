//! [`Table`]: rows by ID, as the portal numbers them: increasing from 1, never reused after a
//! delete.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

/// Rows by ID and the last ID handed out. Reads and changes of existing rows go through the
/// map it dereferences to; new rows take their ID from [`Table::next_id`].
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: BTreeMap<i64, T>,
    last: i64,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            last: 0,
        }
    }
}

impl<T> Table<T> {
    /// The ID of the next new row (one more than any handed out before).
    pub fn next_id(&mut self) -> i64 {
        self.last += 1;
        self.last
    }

    /// Stores `row` under the next ID; returns that ID.
    pub fn push(&mut self, row: T) -> i64 {
        let id = self.next_id();
        self.rows.insert(id, row);
        id
    }
}

impl<T> Deref for Table<T> {
    type Target = BTreeMap<i64, T>;

    fn deref(&self) -> &Self::Target {
        &self.rows
    }
}

impl<T> DerefMut for Table<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_are_never_reused() {
        let mut table = Table::default();
        assert_eq!(table.push("a"), 1);
        assert_eq!(table.push("b"), 2);
        table.remove(&2);
        assert_eq!(table.push("c"), 3);
        assert_eq!(table.next_id(), 4);
        assert_eq!(table.values().copied().collect::<Vec<_>>(), ["a", "c"]);
    }
}
