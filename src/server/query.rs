//! The shared parts of /query methods for the reference server (RFC 8620
//! §5.5): FilterOperator trees, sort comparators, the result window, and
//! the bound on the work a filter may cost.

use serde_json::{json, Map, Value};

use super::api::{merr, Context, MethodError};
use crate::limits;

type MResult<T> = Result<T, MethodError>;

/// A boolean argument; absent or not a boolean is false.
pub(crate) fn flag(args: &Map<String, Value>, key: &str) -> bool {
    args.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The window of a /query (RFC 8620 §5.5): position or anchor + anchorOffset,
/// and limit (clamped to the server's). Returns (start, count, clamped limit
/// to report).
pub(crate) fn window(args: &Map<String, Value>, ids: &[&str]) -> MResult<(usize, usize, Option<u64>)> {
    let int = |k: &str| match args.get(k) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v.as_i64().ok_or_else(|| merr("invalidArguments", format!("{k} must be an integer"))),
    };
    let total = ids.len();
    let start: usize = match args.get("anchor") {
        None | Some(Value::Null) => {
            let pos = int("position")?;
            let total_i = i64::try_from(total).unwrap_or(i64::MAX);
            // A negative position counts from the end, clamped to 0.
            let p = if pos < 0 { total_i.saturating_add(pos).max(0) } else { pos };
            usize::try_from(p).unwrap_or(usize::MAX)
        }
        Some(Value::String(anchor)) => {
            let idx = ids
                .iter()
                .position(|id| id == anchor)
                .ok_or_else(|| merr("anchorNotFound", format!("{anchor:?} is not in the results")))?;
            let i = i64::try_from(idx).unwrap_or(i64::MAX).saturating_add(int("anchorOffset")?).max(0);
            usize::try_from(i).unwrap_or(usize::MAX)
        }
        Some(_) => return Err(merr("invalidArguments", "anchor must be an id")),
    };
    let limit = match args.get("limit") {
        None | Some(Value::Null) => limits::SERVER_MAX_OBJECTS_IN_GET,
        Some(v) => v.as_u64().ok_or_else(|| merr("invalidArguments", "limit must be a non-negative integer"))?,
    };
    let clamped = limit.min(limits::SERVER_MAX_OBJECTS_IN_GET);
    Ok((start, usize::try_from(clamped).unwrap_or(usize::MAX), (clamped < limit).then_some(clamped)))
}

pub(crate) fn query_response(ctx: &Context<'_>, args: &Map<String, Value>, ids: &[&str]) -> MResult<Value> {
    let (start, count, clamped) = window(args, ids)?;
    let page: Vec<&str> = ids.iter().skip(start).take(count).copied().collect();
    let mut out = json!({"accountId": ctx.account_id, "queryState": ctx.store.state_string(), "canCalculateChanges": false,
                         "position": start.min(ids.len()), "ids": page});
    if let Some(o) = out.as_object_mut() {
        if flag(args, "calculateTotal") {
            o.insert("total".into(), json!(ids.len()));
        }
        if let Some(l) = clamped {
            o.insert("limit".into(), json!(l));
        }
    }
    Ok(out)
}

/// A FilterOperator tree over conditions of type C (RFC 8620 §5.5),
/// checked in full before any object is looked at, so an error never
/// depends on the data.
pub(crate) enum Filter<C> {
    And(Vec<Filter<C>>),
    Or(Vec<Filter<C>>),
    Not(Vec<Filter<C>>),
    /// A FilterCondition: all of these hold.
    All(Vec<C>),
}

impl<C> Filter<C> {
    pub(crate) fn eval(&self, test: &dyn Fn(&C) -> bool) -> bool {
        match self {
            Filter::And(f) => f.iter().all(|x| x.eval(test)),
            Filter::Or(f) => f.iter().any(|x| x.eval(test)),
            Filter::Not(f) => !f.iter().any(|x| x.eval(test)),
            Filter::All(c) => c.iter().all(test),
        }
    }
}

impl<C> Filter<C> {
    /// Operators and conditions in the tree: what evaluating it once costs.
    fn cost(&self) -> u64 {
        match self {
            Filter::And(f) | Filter::Or(f) | Filter::Not(f) => f.iter().fold(1, |n, x| n.saturating_add(x.cost())),
            Filter::All(c) => u64::try_from(c.len()).unwrap_or(u64::MAX).max(1),
        }
    }
}

/// Refuse a filter whose evaluation over `objects` objects would cost more
/// than [`limits::SERVER_MAX_FILTER_EVALUATIONS`]: RFC 8620 §5.5
/// `unsupportedFilter`, "the filter is syntactically valid, but the server
/// cannot process it" (a method error: the other calls still run).
pub(crate) fn check_cost<C>(filter: &Filter<C>, objects: usize) -> MResult<()> {
    let cost = filter.cost().saturating_mul(u64::try_from(objects).unwrap_or(u64::MAX));
    if cost > limits::SERVER_MAX_FILTER_EVALUATIONS {
        return Err(merr(
            "unsupportedFilter",
            format!(
                "the filter has {} conditions and operators: over {objects} objects that is more than the {} evaluations a query may cost",
                filter.cost(),
                limits::SERVER_MAX_FILTER_EVALUATIONS
            ),
        ));
    }
    Ok(())
}

pub(crate) fn compile_filter<C>(filter: &Value, depth: usize, cond: &dyn Fn(&str, &Value) -> MResult<C>) -> MResult<Filter<C>> {
    if depth > limits::SERVER_MAX_FILTER_DEPTH {
        return Err(merr("unsupportedFilter", format!("filters nested deeper than {}", limits::SERVER_MAX_FILTER_DEPTH)));
    }
    let obj = filter.as_object().ok_or_else(|| merr("invalidArguments", "a filter must be an object"))?;
    if let Some(op) = obj.get("operator") {
        let conditions =
            obj.get("conditions").and_then(Value::as_array).ok_or_else(|| merr("invalidArguments", "conditions must be a list"))?;
        let subs = conditions.iter().map(|c| compile_filter(c, depth.saturating_add(1), cond)).collect::<MResult<Vec<_>>>()?;
        return match op.as_str() {
            Some("AND") => Ok(Filter::And(subs)),
            Some("OR") => Ok(Filter::Or(subs)),
            Some("NOT") => Ok(Filter::Not(subs)),
            // RFC 8620 §5.5: operator MUST be one of these: anything else is an invalid argument.
            _ => Err(merr("invalidArguments", "operator must be AND, OR or NOT")),
        };
    }
    obj.iter().map(|(k, v)| cond(k, v)).collect::<MResult<Vec<_>>>().map(Filter::All)
}

/// Sort comparators (RFC 8620 §5.5): (property, isAscending).
pub(crate) fn comparators(sort: Option<&Value>, supported: &[&str], default: (&str, bool)) -> MResult<Vec<(String, bool)>> {
    match sort {
        None | Some(Value::Null) => Ok(vec![(default.0.to_owned(), default.1)]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|c| {
                let p =
                    c.get("property").and_then(Value::as_str).ok_or_else(|| merr("invalidArguments", "a comparator needs a property"))?;
                if !supported.contains(&p) {
                    return Err(merr("unsupportedSort", format!("cannot sort by {p:?}")));
                }
                // RFC 8620 §5.5: a collation the server does not recognise is unsupportedSort
                // (the session lists the one it has: i;ascii-casemap).
                match c.get("collation") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(col)) if col == "i;ascii-casemap" => {}
                    Some(Value::String(col)) => return Err(merr("unsupportedSort", format!("unknown collation {col:?}"))),
                    Some(_) => return Err(merr("invalidArguments", "collation must be a string")),
                }
                let asc = match c.get("isAscending") {
                    None | Some(Value::Null) => true,
                    Some(v) => v.as_bool().ok_or_else(|| merr("invalidArguments", "isAscending must be a boolean"))?,
                };
                Ok((p.to_owned(), asc))
            })
            .collect(),
        Some(_) => Err(merr("invalidArguments", "sort must be a list")),
    }
}
