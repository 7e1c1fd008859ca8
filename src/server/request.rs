//! The request envelope of the reference server (RFC 8620 §3.3–§3.7),
//! sans-IO: body octets in, response octets (or a request-level problem) out.
//!
//! Result references (§3.7) let a few kilobytes of chained `Core/echo` calls
//! ask for gigabytes (each call copying the previous result four times), so
//! everything a request makes the server hold or send is accounted as it
//! grows, and the request stops at the first bound with the `limit` problem
//! (§3.6.1) naming it. RFC 8620 §8.5 asks servers for such limits. A
//! request-level problem rather than a method error: the bounds are on the
//! request as a whole, not on one call, and nothing here has side effects,
//! so "the request was not processed" stays true.
//! - `maxValuesInRequest`: JSON values parsed from the body
//!   ([`limits::SERVER_MAX_VALUES_IN_REQUEST`]); memory follows values, not
//!   octets.
//! - `maxResolvedValues`: JSON values references copy into arguments
//!   ([`limits::SERVER_MAX_RESOLVED_VALUES`]).
//! - `maxSizeRequest`: the body plus every resolved reference, as JSON. A
//!   reference stands for a value the client could have written in the
//!   request; with them resolved the request keeps within the size the
//!   session advertises ([`limits::SERVER_MAX_SIZE_REQUEST`]).
//! - `maxResultReferenceSteps`: values visited while evaluating reference
//!   paths (`*` visits every item; [`limits::SERVER_MAX_REFERENCE_STEPS`]).
//! - `maxSizeResponse`: the response octets, counted while each method
//!   response is serialized ([`limits::SERVER_MAX_SIZE_RESPONSE`]).
//!
//! A method response is kept as a value only when a later call's reference
//! names its call id; the others live on as octets alone.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::api::{self, merr, session_state, Context, MethodError, Problem};
use super::json::{self, Capped, ParseError, ValueBudget};
use crate::jmap::{CAP_BLOB, CAP_CORE, CAP_MAIL, CAP_SMIMEVERIFY};
use crate::limits;

/// One method call.
struct Call {
    name: String,
    args: Map<String, Value>,
    id: String,
}

/// The parsed request (RFC 8620 §3.3).
struct Request {
    using: Vec<String>,
    calls: Vec<Call>,
    created_ids: Option<Value>,
}

/// One method response; its arguments stay only while a later reference may need them.
struct Answered {
    name: String,
    args: Option<Value>,
    id: String,
}

/// What a request produced.
struct Run {
    bytes: Vec<u8>,
    answered: Vec<Answered>,
    created_ids: Option<Value>,
}

/// Why a method call did not run.
enum Stop {
    /// A method-level error (RFC 8620 §3.6.2): the request goes on.
    Method(MethodError),
    /// A request-level problem: the request ends.
    Request(Problem),
}

fn too_many_values() -> Problem {
    Problem::limit("maxValuesInRequest", format!("the request holds more than {} JSON values", limits::SERVER_MAX_VALUES_IN_REQUEST))
}

fn too_many_resolved() -> Problem {
    Problem::limit(
        "maxResolvedValues",
        format!("the result references would copy more than {} JSON values", limits::SERVER_MAX_RESOLVED_VALUES),
    )
}

fn resolved_too_large() -> Problem {
    Problem::limit(
        "maxSizeRequest",
        format!("with its result references resolved, the request would be larger than {} bytes", limits::SERVER_MAX_SIZE_REQUEST),
    )
}

fn too_many_steps() -> Problem {
    Problem::limit(
        "maxResultReferenceSteps",
        format!("evaluating the result references would visit more than {} values", limits::SERVER_MAX_REFERENCE_STEPS),
    )
}

fn response_too_large() -> Problem {
    Problem::limit(
        "maxSizeResponse",
        format!("the response would be larger than {} bytes; ask for fewer objects or properties", limits::SERVER_MAX_SIZE_RESPONSE),
    )
}

/// Process one API request body: the Response object as JSON octets.
pub fn respond(ctx: &Context<'_>, body: &[u8]) -> Result<Vec<u8>, Problem> {
    run(ctx, body, false).map(|r| r.bytes)
}

/// Process one API request body: the Response object as a value (the same
/// processing as [`respond`], for callers that inspect it).
pub fn process(ctx: &Context<'_>, body: &[u8]) -> Result<Value, Problem> {
    let r = run(ctx, body, true)?;
    let responses: Vec<Value> = r.answered.into_iter().map(|a| json!([a.name, a.args.unwrap_or(Value::Null), a.id])).collect();
    let mut out = json!({"methodResponses": responses, "sessionState": session_state(ctx.smime_enabled)});
    // RFC 8620 §3.4: createdIds is in the response only if it was in the
    // request (nothing is created here, so it comes back as sent).
    if let (Some(created), Some(o)) = (r.created_ids, out.as_object_mut()) {
        o.insert("createdIds".into(), created);
    }
    Ok(out)
}

fn run(ctx: &Context<'_>, body: &[u8], keep_all: bool) -> Result<Run, Problem> {
    let body_len = u64::try_from(body.len()).unwrap_or(u64::MAX);
    if body_len > limits::SERVER_MAX_SIZE_REQUEST {
        return Err(Problem::limit("maxSizeRequest", format!("the request is larger than {} bytes", limits::SERVER_MAX_SIZE_REQUEST)));
    }
    let values = ValueBudget::new(limits::SERVER_MAX_VALUES_IN_REQUEST);
    // RFC 8620 §3.6.1: the request must parse as I-JSON.
    let v = json::parse(body, &values).map_err(|e| match e {
        ParseError::NotJson(d) => Problem::not_json(format!("the request is not I-JSON: {d}")),
        ParseError::TooManyValues => too_many_values(),
    })?;
    let Request { using, calls, created_ids } = envelope(v, ctx)?;
    let using: BTreeSet<&str> = using.iter().map(String::as_str).collect();
    let referenced = referenced_ids(&calls);
    let mut budget = Budget {
        values: ValueBudget::new(limits::SERVER_MAX_RESOLVED_VALUES),
        bytes_left: limits::SERVER_MAX_SIZE_REQUEST.saturating_sub(body_len),
        steps_left: limits::SERVER_MAX_REFERENCE_STEPS,
    };
    let mut out = Capped::new(usize::try_from(limits::SERVER_MAX_SIZE_RESPONSE).unwrap_or(usize::MAX));
    let mut fits = out.raw(b"{\"methodResponses\":[");
    let mut answered: Vec<Answered> = Vec::with_capacity(calls.len());
    for Call { name, args, id } in calls {
        let (name, args) = match resolve(args, &answered, &mut budget) {
            Err(Stop::Request(p)) => return Err(p),
            Err(Stop::Method(e)) => error_response(e),
            Ok(args) => match api::dispatch(ctx, &using, &name, args) {
                Ok(v) => (name, v),
                Err(e) => error_response(e),
            },
        };
        fits = fits && (answered.is_empty() || out.raw(b",")) && out.put(&(&name, &args, &id));
        if !fits {
            return Err(response_too_large());
        }
        let keep = keep_all || referenced.contains(id.as_str());
        answered.push(Answered { name, args: keep.then_some(args), id });
    }
    fits = fits && out.raw(b"]");
    if let Some(created) = &created_ids {
        fits = fits && out.raw(b",\"createdIds\":") && out.put(created);
    }
    fits = fits && out.raw(b",\"sessionState\":") && out.put(&session_state(ctx.smime_enabled)) && out.raw(b"}");
    if !fits {
        return Err(response_too_large());
    }
    Ok(Run { bytes: out.buf, answered, created_ids })
}

fn error_response(e: MethodError) -> (String, Value) {
    ("error".to_owned(), json!({"type": e.kind, "description": e.description}))
}

/// The request object's members, checked in the order of RFC 8620 §3.6.1:
/// notRequest, then unknownCapability, then maxCallsInRequest.
fn envelope(v: Value, ctx: &Context<'_>) -> Result<Request, Problem> {
    let Value::Object(mut obj) = v else { return Err(Problem::new("notRequest", "the request is not an object")) };
    let using: Vec<String> = match obj.remove("using") {
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|u| match u {
                Value::String(s) => Ok(s),
                _ => Err(Problem::new("notRequest", "`using` holds a non-string")),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(Problem::new("notRequest", "`using` is missing or not a list")),
    };
    let created_ids = obj.remove("createdIds");
    if created_ids.as_ref().is_some_and(|c| !c.is_object() || c.as_object().is_some_and(|m| m.values().any(|v| !v.is_string()))) {
        return Err(Problem::new("notRequest", "`createdIds` is not a map of ids"));
    }
    let Some(Value::Array(raw_calls)) = obj.remove("methodCalls") else {
        return Err(Problem::new("notRequest", "`methodCalls` is missing or not a list"));
    };
    let mut calls = Vec::with_capacity(raw_calls.len());
    for c in raw_calls {
        let triple = match c {
            Value::Array(a) => <[Value; 3]>::try_from(a).ok(),
            _ => None,
        };
        match triple {
            Some([Value::String(name), Value::Object(args), Value::String(id)]) => calls.push(Call { name, args, id }),
            _ => return Err(Problem::new("notRequest", "a method call is not [name, arguments, callId]")),
        }
    }
    for u in &using {
        let known = u == CAP_CORE || u == CAP_MAIL || (u == CAP_SMIMEVERIFY && ctx.smime_enabled) || (u == CAP_BLOB && ctx.blob_enabled);
        if !known {
            return Err(Problem::new("unknownCapability", format!("this server does not support {u:?}")));
        }
    }
    if u64::try_from(calls.len()).unwrap_or(u64::MAX) > limits::SERVER_MAX_CALLS_IN_REQUEST {
        return Err(Problem::limit("maxCallsInRequest", format!("more than {} method calls", limits::SERVER_MAX_CALLS_IN_REQUEST)));
    }
    Ok(Request { using, calls, created_ids })
}

/// The call ids some result reference names (`resultOf`).
fn referenced_ids(calls: &[Call]) -> BTreeSet<String> {
    calls
        .iter()
        .flat_map(|c| c.args.iter())
        .filter(|(k, _)| k.starts_with('#'))
        .filter_map(|(_, v)| v.get("resultOf").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// What a request may still spend on result references.
struct Budget {
    values: ValueBudget,
    bytes_left: u64,
    steps_left: u64,
}

/// A reference path's result: one value, or the items a `*` collected.
enum Sel<'a> {
    One(&'a Value),
    Many(Vec<&'a Value>),
}

/// The step budget ran out.
struct OutOfSteps;

fn step(left: &mut u64) -> Result<(), OutOfSteps> {
    *left = left.checked_sub(1).ok_or(OutOfSteps)?;
    Ok(())
}

/// RFC 6901 array-index: "0" or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0'))).then(|| token.parse().ok()).flatten()
}

fn collect<'a>(out: &mut Vec<&'a Value>, items: impl IntoIterator<Item = &'a Value>, left: &mut u64) -> Result<(), OutOfSteps> {
    for x in items {
        step(left)?;
        out.push(x);
    }
    Ok(())
}

/// RFC 6901 JSON pointer with the RFC 8620 §3.7 `*` extension, by
/// reference; every value visited and every item collected is one step.
/// Ok(None): the path does not resolve.
fn select<'a>(v: &'a Value, tokens: &[String], left: &mut u64) -> Result<Option<Sel<'a>>, OutOfSteps> {
    step(left)?;
    let Some((first, rest)) = tokens.split_first() else { return Ok(Some(Sel::One(v))) };
    match v {
        Value::Array(items) if first == "*" => {
            let mut out = Vec::new();
            for item in items {
                // RFC 8620 §3.7: an item's result that is an array is added
                // item by item, not as an array.
                match select(item, rest, left)? {
                    None => return Ok(None),
                    Some(Sel::One(Value::Array(a))) => collect(&mut out, a, left)?,
                    Some(Sel::One(x)) => collect(&mut out, [x], left)?,
                    Some(Sel::Many(xs)) => collect(&mut out, xs, left)?,
                }
            }
            Ok(Some(Sel::Many(out)))
        }
        Value::Array(a) => match array_index(first).and_then(|i| a.get(i)) {
            Some(x) => select(x, rest, left),
            None => Ok(None),
        },
        Value::Object(o) => match o.get(first.as_str()) {
            Some(x) => select(x, rest, left),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

impl Budget {
    /// Copy a selection into the arguments, charging its values and size
    /// (the values first: that walk stops soonest).
    fn copy(&mut self, sel: Sel<'_>) -> Result<Value, Stop> {
        let counted = match &sel {
            Sel::One(v) => json::charge_values(v, &self.values),
            Sel::Many(xs) => self.values.take(1) && xs.iter().all(|x| json::charge_values(x, &self.values)),
        };
        if !counted {
            return Err(Stop::Request(too_many_resolved()));
        }
        let size = match &sel {
            Sel::One(v) => json::size_at_most(*v, self.bytes_left),
            Sel::Many(xs) => json::size_at_most(xs, self.bytes_left),
        };
        let size = size.ok_or_else(|| Stop::Request(resolved_too_large()))?;
        self.bytes_left = self.bytes_left.saturating_sub(size);
        Ok(match sel {
            Sel::One(v) => v.clone(),
            Sel::Many(xs) => Value::Array(xs.into_iter().cloned().collect()),
        })
    }
}

/// Replace every `#name` argument by the value its ResultReference points
/// at (RFC 8620 §3.7).
fn resolve(args: Map<String, Value>, done: &[Answered], budget: &mut Budget) -> Result<Map<String, Value>, Stop> {
    if !args.keys().any(|k| k.starts_with('#')) {
        return Ok(args);
    }
    for k in args.keys() {
        if let Some(key) = k.strip_prefix('#') {
            if args.contains_key(key) {
                return Err(Stop::Method(merr("invalidArguments", format!("both {key:?} and {k:?} given"))));
            }
        }
    }
    let mut out = Map::new();
    for (k, v) in args {
        match k.strip_prefix('#') {
            None => {
                out.insert(k, v);
            }
            Some(key) => {
                let value = reference(&v, done, budget)?;
                out.insert(key.to_owned(), value);
            }
        }
    }
    Ok(out)
}

fn reference(r: &Value, done: &[Answered], budget: &mut Budget) -> Result<Value, Stop> {
    let bad = |d: String| Stop::Method(merr("invalidResultReference", d));
    let field = |k: &str| r.get(k).and_then(Value::as_str).ok_or_else(|| bad(format!("{k} missing")));
    let (result_of, name, path) = (field("resultOf")?, field("name")?, field("path")?);
    let target = done.iter().find(|a| a.id == result_of).ok_or_else(|| bad(format!("no response for call {result_of:?}")))?;
    if target.name != name {
        return Err(bad(format!("call {result_of:?} did not answer with {name:?}")));
    }
    if !path.starts_with('/') && !path.is_empty() {
        return Err(bad("the path is not a JSON pointer".into()));
    }
    // RFC 6901 §4: "~1" is "/", then "~0" is "~".
    let tokens: Vec<String> = path.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let args = target.args.as_ref().ok_or_else(|| bad(format!("no response for call {result_of:?}")))?;
    let sel = select(args, &tokens, &mut budget.steps_left).map_err(|OutOfSteps| Stop::Request(too_many_steps()))?;
    let sel = sel.ok_or_else(|| bad(format!("path {path:?} does not resolve")))?;
    budget.copy(sel)
}
