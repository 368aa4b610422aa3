//! Rows a page read from the store, remembered with the data revision and the parameters they
//! were read for. When either moved the rows are read again: nothing needs invalidating by hand,
//! so no screen can show numbers older than the last write.

use std::rc::Rc;

/// One cached read: its value (or the error met reading it), the revision and the key.
pub struct Cached<K, T> {
    at: Option<(u64, K)>,
    value: Result<Rc<T>, String>,
}

impl<K, T> Default for Cached<K, T> {
    fn default() -> Self {
        Cached { at: None, value: Err(String::new()) }
    }
}

impl<K: PartialEq, T> Cached<K, T> {
    /// The value for `key` at `revision`, read with `load` when the cached one is for another
    /// key or an older revision. A failed read is kept (and shown) until either moves.
    pub fn get<E: std::fmt::Display>(
        &mut self,
        revision: u64,
        key: K,
        load: impl FnOnce(&K) -> Result<T, E>,
    ) -> Result<Rc<T>, String> {
        let fresh = self.at.as_ref().is_some_and(|(r, k)| *r == revision && *k == key);
        if !fresh {
            self.value = load(&key).map(Rc::new).map_err(|e| e.to_string());
            self.at = Some((revision, key));
        }
        self.value.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_again_when_the_revision_or_the_key_moves() {
        let mut reads = 0;
        let mut c: Cached<&str, usize> = Cached::default();
        let mut read = |c: &mut Cached<&str, usize>, rev, key| {
            c.get(rev, key, |_| {
                reads += 1;
                Ok::<_, String>(reads)
            })
        };
        assert_eq!(*read(&mut c, 1, "a").unwrap(), 1);
        assert_eq!(*read(&mut c, 1, "a").unwrap(), 1);
        assert_eq!(*read(&mut c, 2, "a").unwrap(), 2);
        assert_eq!(*read(&mut c, 2, "b").unwrap(), 3);
        let failed = c.get(3, "b", |_| Err::<usize, _>("数据库错误"));
        assert_eq!(failed.unwrap_err(), "数据库错误");
    }
}
