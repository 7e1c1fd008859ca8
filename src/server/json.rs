//! JSON with bounds, for the reference server: an I-JSON parser (RFC 7493)
//! that counts the values it creates, and size and value counts of values
//! the server is about to copy or send, each computed with a ceiling so that
//! the measuring itself never costs more than the bound it checks.

use std::cell::Cell;
use std::io;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

/// How many more JSON values a request may hold (parsed from its body or
/// copied in by result references): [`crate::limits::SERVER_MAX_VALUES_IN_REQUEST`].
#[derive(Debug)]
pub struct ValueBudget {
    left: Cell<u64>,
    tripped: Cell<bool>,
}

impl ValueBudget {
    /// A budget of `n` values.
    pub fn new(n: u64) -> ValueBudget {
        ValueBudget { left: Cell::new(n), tripped: Cell::new(false) }
    }

    /// Take `n` values; false (and remembered) when fewer are left.
    pub fn take(&self, n: u64) -> bool {
        match self.left.get().checked_sub(n) {
            Some(rest) => {
                self.left.set(rest);
                true
            }
            None => {
                self.tripped.set(true);
                false
            }
        }
    }

    /// Values left.
    pub fn left(&self) -> u64 {
        self.left.get()
    }

    /// The budget ran out at some point.
    pub fn tripped(&self) -> bool {
        self.tripped.get()
    }
}

/// Why parsing stopped.
#[derive(Debug)]
pub enum ParseError {
    /// Not I-JSON (RFC 8620 §3.6.1 `notJSON`).
    NotJson(String),
    /// More values than the budget allows.
    TooManyValues,
}

/// Parse `body` as I-JSON (RFC 7493 §2.3: an object with a duplicate member
/// name is an error, not "the last one wins"), charging every value created
/// to `budget`. serde_json's own recursion limit (128 levels) bounds nesting.
pub fn parse(body: &[u8], budget: &ValueBudget) -> Result<Value, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = Seed(budget).deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(v) => Ok(v),
        Err(_) if budget.tripped() => Err(ParseError::TooManyValues),
        Err(e) => Err(ParseError::NotJson(e.to_string())),
    }
}

struct Seed<'b>(&'b ValueBudget);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(IJsonVisitor(self.0))
    }
}

struct IJsonVisitor<'b>(&'b ValueBudget);

impl IJsonVisitor<'_> {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        if self.0.take(1) {
            Ok(())
        } else {
            Err(E::custom("too many JSON values"))
        }
    }
    fn charge<E: de::Error>(&self, v: Value) -> Result<Value, E> {
        self.take().map(|()| v)
    }
}

impl<'de> Visitor<'de> for IJsonVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.charge(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.charge(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.charge(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.charge(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.charge(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.charge(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.charge(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // The container is charged before its items, so a huge flat array
        // stops at the budget instead of after it.
        self.take::<A::Error>()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(self.0))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.take::<A::Error>()?;
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                return Err(de::Error::custom(format!("duplicate member name {k:?}")));
            }
            let v = map.next_value_seed(Seed(self.0))?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// A writer that keeps at most `cap` octets and fails past them.
pub struct Capped {
    /// What was written.
    pub buf: Vec<u8>,
    cap: usize,
    /// A write went past the cap.
    pub over: bool,
}

impl Capped {
    /// An empty buffer that holds at most `cap` octets.
    pub fn new(cap: usize) -> Capped {
        Capped { buf: Vec::new(), cap, over: false }
    }

    /// Append `v` as compact JSON; false once the cap is passed.
    pub fn put<T: Serialize + ?Sized>(&mut self, v: &T) -> bool {
        serde_json::to_writer(&mut *self, v).is_ok() && !self.over
    }

    /// Append raw octets (punctuation of the envelope); false past the cap.
    pub fn raw(&mut self, b: &[u8]) -> bool {
        io::Write::write_all(self, b).is_ok()
    }
}

impl io::Write for Capped {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.buf.len().saturating_add(b.len()) > self.cap {
            self.over = true;
            return Err(io::Error::other("the output bound is reached"));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Counts octets without keeping them; fails past `cap`.
struct Counter {
    n: u64,
    cap: u64,
}

impl io::Write for Counter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.n.saturating_add(u64::try_from(b.len()).unwrap_or(u64::MAX));
        if n > self.cap {
            return Err(io::Error::other("the size bound is reached"));
        }
        self.n = n;
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The length of `v` as compact JSON, if it is at most `cap` octets. The
/// work stops as soon as the bound is passed.
pub fn size_at_most<T: Serialize + ?Sized>(v: &T, cap: u64) -> Option<u64> {
    let mut c = Counter { n: 0, cap };
    serde_json::to_writer(&mut c, v).ok().map(|()| c.n)
}

/// Charge every value of `v` to `budget`; false when it runs out (the walk
/// stops there, so it never visits more values than the budget held).
pub fn charge_values(v: &Value, budget: &ValueBudget) -> bool {
    if !budget.take(1) {
        return false;
    }
    match v {
        Value::Array(a) => a.iter().all(|x| charge_values(x, budget)),
        Value::Object(o) => o.values().all(|x| charge_values(x, budget)),
        _ => true,
    }
}
