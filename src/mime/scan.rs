//! The one-pass MIME reader (RFC 5322 §2.1, RFC 2046 §5.1.1).
//!
//! Every line of the message is read once, from the first byte to the last.
//! The open entities form a stack (root, part, part of part, ...); a line is
//! first matched against the boundaries of the open multiparts, the
//! outermost one winning (RFC 2046 §5.1.2: an inner boundary must not occur
//! in an outer one, and a reader that finds one ends the inner parts there),
//! and otherwise fed to the innermost entity. No level rescans its body, so
//! time is linear in the message size, and an entity is built only once.
//!
//! The ranges are those the former recursive splitter produced: a part ends
//! before the line break that precedes its delimiter (that line break
//! belongs to the delimiter), and everything an outer delimiter cuts off ends
//! where it cuts.
//!
//! What two readers would read differently is refused with `ambiguous-mime`
//! (see [`super::ambiguity`]).

use std::collections::HashMap;

use super::ambiguity;
use super::params::{self, ContentType};
use super::{Entity, TransferEncoding};
use crate::error::{Error, Result};
use crate::limits;

/// Work done by one parse, counted so that tests can check it grows linearly
/// with the input (no wall clock involved).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseStats {
    /// Bytes read by the line scanner (each input byte once).
    pub bytes_scanned: u64,
    /// Bytes hashed while looking a line up among the open boundaries.
    pub delimiter_bytes: u64,
    /// Header bytes copied into entities.
    pub header_bytes: u64,
    /// Header fields read, all entities together.
    pub header_fields: usize,
    /// Lines read.
    pub lines: u64,
}

impl ParseStats {
    /// All the work, in bytes touched.
    pub fn work(&self) -> u64 {
        self.bytes_scanned.saturating_add(self.delimiter_bytes).saturating_add(self.header_bytes)
    }
}

fn add(counter: &mut u64, n: usize) {
    *counter = counter.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
}

/// A line: `[start, content_end)` is the text without its line break, `next`
/// is where the following line begins (after LF, or the end of the input).
/// `bare_cr`: the text holds a CR that is not part of a CRLF, which readers
/// such as Python's `email` take as a line break of its own.
pub(super) struct Line {
    pub start: usize,
    pub content_end: usize,
    pub next: usize,
    pub bare_cr: bool,
}

fn next_line(raw: &[u8], pos: usize, stats: &mut ParseStats) -> Line {
    let rest = raw.get(pos..).unwrap_or(&[]);
    let mut crs = 0usize;
    let mut len = rest.len();
    for (i, b) in rest.iter().enumerate() {
        match b {
            b'\n' => {
                len = i;
                break;
            }
            b'\r' => crs = crs.saturating_add(1),
            _ => {}
        }
    }
    let has_lf = len < rest.len();
    let crlf = has_lf && len > 0 && rest.get(len.saturating_sub(1)) == Some(&b'\r');
    let content_end = pos.saturating_add(len).saturating_sub(usize::from(crlf));
    let next = pos.saturating_add(len).saturating_add(usize::from(has_lf));
    add(&mut stats.bytes_scanned, next.saturating_sub(pos));
    stats.lines = stats.lines.saturating_add(1);
    Line { start: pos, content_end, next, bare_cr: crs > usize::from(crlf) }
}

/// What a part without Content-Type is (RFC 2045 §5.2, RFC 2046 §5.1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fallback {
    TextPlain,
    MessageRfc822,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Preamble,
    Part,
    Epilogue,
}

enum State {
    /// Reading the header block.
    Headers(Fallback),
    /// A leaf, a multipart without boundary, or a message/rfc822 whose
    /// embedded message is the next frame.
    Body,
    /// A multipart with its boundary.
    Multipart(Box<[u8]>, Phase),
}

struct Frame {
    entity: Entity,
    depth: usize,
    state: State,
}

/// What a header line did.
enum Step {
    /// It belonged to the header block.
    Header,
    /// The block ended; the body starts at this offset; `again`: the line is
    /// the body's first line and must be read again as such.
    Body(usize, bool),
}

struct Scanner<'r> {
    raw: &'r [u8],
    frames: Vec<Frame>,
    /// Boundaries of the open multiparts (not yet closed), each with the
    /// index of the outermost frame that uses it.
    active: HashMap<Box<[u8]>, usize>,
    entities: usize,
    root: Option<Entity>,
    stats: ParseStats,
}

/// Parse `raw` (already checked against the message size limit).
pub(super) fn run(raw: &[u8]) -> (Result<Entity>, ParseStats) {
    let mut s = Scanner { raw, frames: Vec::new(), active: HashMap::new(), entities: 0, root: None, stats: ParseStats::default() };
    let result = s.all();
    (result, s.stats)
}

fn child_path(parent: &str, index: usize) -> String {
    let n = index.saturating_add(1);
    if parent.is_empty() {
        n.to_string()
    } else {
        format!("{parent}.{n}")
    }
}

impl Scanner<'_> {
    fn all(&mut self) -> Result<Entity> {
        self.open(0, String::new(), 0, Fallback::TextPlain)?;
        let mut pos = 0usize;
        while pos < self.raw.len() {
            let line = next_line(self.raw, pos, &mut self.stats);
            self.line(&line)?;
            pos = line.next;
        }
        self.close_above(0, self.raw.len())?;
        self.root.take().ok_or_else(|| Error::malformed("empty MIME tree"))
    }

    /// Start an entity at `start`.
    fn open(&mut self, start: usize, path: String, depth: usize, default: Fallback) -> Result<()> {
        if depth > limits::MAX_MIME_DEPTH {
            return Err(Error::limit(format!("MIME nesting deeper than {} levels", limits::MAX_MIME_DEPTH)));
        }
        self.entities = self.entities.saturating_add(1);
        if self.entities > limits::MAX_MIME_PARTS {
            return Err(Error::limit(format!("more than {} MIME parts", limits::MAX_MIME_PARTS)));
        }
        let entity = Entity {
            path,
            start,
            body_start: start,
            end: start,
            headers: Default::default(),
            content_type: ContentType::text_plain(),
            encoding: TransferEncoding::SevenBit,
            children: Vec::new(),
            closed: false,
        };
        self.frames.push(Frame { entity, depth, state: State::Headers(default) });
        Ok(())
    }

    fn line(&mut self, line: &Line) -> Result<()> {
        let content = self.raw.get(line.start..line.content_end).unwrap_or(&[]);
        loop {
            if let Some((index, close)) = self.delimiter(content, line.bare_cr)? {
                return self.on_delimiter(index, close, line);
            }
            let Some(top) = self.frames.last_mut() else { return Ok(()) };
            if !matches!(top.state, State::Headers(_)) {
                return Ok(());
            }
            match header_line(top, line, content, &mut self.stats)? {
                Step::Header => return Ok(()),
                Step::Body(body_start, again) => {
                    self.end_headers(body_start)?;
                    if !again {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// The frame index and kind (close or not) of the open boundary this
    /// line delimits, the outermost one if several.
    fn delimiter(&mut self, content: &[u8], bare_cr: bool) -> Result<Option<(usize, bool)>> {
        if self.active.is_empty() {
            return Ok(None);
        }
        if let Some(hit) = self.lookup(content) {
            return Ok(Some(hit));
        }
        if bare_cr {
            // A reader that breaks lines at a lone CR would see a delimiter.
            for segment in content.split(|b| *b == b'\r') {
                if self.lookup(segment).is_some() {
                    return Err(ambiguity::bare_cr_delimiter(self.top_path()));
                }
            }
        }
        Ok(None)
    }

    fn lookup(&mut self, text: &[u8]) -> Option<(usize, bool)> {
        // Transport padding: linear white space may follow (RFC 2046 §5.1.1);
        // boundaries never end in it (ambiguity::check_boundary).
        let end = text.iter().rposition(|b| *b != b' ' && *b != b'\t').map_or(0, |p| p.saturating_add(1));
        let rest = text.get(..end)?.strip_prefix(b"--")?;
        if rest.len() > limits::MAX_BOUNDARY_LEN.saturating_add(2) {
            return None;
        }
        add(&mut self.stats.delimiter_bytes, rest.len());
        let open = self.active.get(rest).map(|i| (*i, false));
        let close = rest.strip_suffix(b"--").and_then(|r| self.active.get(r)).map(|i| (*i, true));
        match (open, close) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    fn top_path(&self) -> &str {
        self.frames.last().map_or("", |f| f.entity.path.as_str())
    }

    fn on_delimiter(&mut self, index: usize, close: bool, line: &Line) -> Result<()> {
        let body_start = self.frames.get(index).map_or(0, |f| f.entity.body_start);
        // RFC 2046 §5.1.1: the line break before the delimiter belongs to it.
        let mut cut = line.start;
        if cut > body_start && self.raw.get(cut.saturating_sub(1)) == Some(&b'\n') {
            cut = cut.saturating_sub(1);
            if cut > body_start && self.raw.get(cut.saturating_sub(1)) == Some(&b'\r') {
                cut = cut.saturating_sub(1);
            }
        }
        let child = index.saturating_add(1);
        if let Some(part) = self.frames.get(child) {
            if part.entity.start == line.start {
                return Err(ambiguity::empty_part(&part.entity.path));
            }
            let cut = cut.max(part.entity.start);
            self.close_above(child, cut)?;
        }
        let Some(m) = self.frames.get_mut(index) else { return Ok(()) };
        let State::Multipart(boundary, phase) = &mut m.state else { return Ok(()) };
        if close {
            *phase = Phase::Epilogue;
            m.entity.closed = true;
            let boundary = boundary.clone();
            self.deactivate(&boundary, index);
            return Ok(());
        }
        *phase = Phase::Part;
        let path = child_path(&m.entity.path, m.entity.children.len());
        let default = if m.entity.content_type.value == "multipart/digest" { Fallback::MessageRfc822 } else { Fallback::TextPlain };
        let depth = m.depth.saturating_add(1);
        self.open(line.next, path, depth, default)
    }

    fn deactivate(&mut self, boundary: &[u8], index: usize) {
        if self.active.get(boundary) == Some(&index) {
            self.active.remove(boundary);
        }
    }

    /// End every frame from `keep` up at `end` (an outer delimiter, or the
    /// end of the input), innermost first.
    fn close_above(&mut self, keep: usize, end: usize) -> Result<()> {
        while self.frames.len() > keep {
            if matches!(self.frames.last().map(|f| &f.state), Some(State::Headers(_))) {
                // The header block runs to the end; a message/rfc822 then
                // gets its (empty) embedded message, as a reader would.
                self.end_headers(end)?;
                continue;
            }
            let Some(mut f) = self.frames.pop() else { break };
            if let State::Multipart(boundary, _) = &f.state {
                self.deactivate(boundary, self.frames.len());
            }
            let e = &mut f.entity;
            e.start = e.start.min(end);
            e.body_start = e.body_start.clamp(e.start, end);
            e.end = end;
            match self.frames.last_mut() {
                Some(parent) => parent.entity.children.push(f.entity),
                None => self.root = Some(f.entity),
            }
        }
        Ok(())
    }

    /// The header block of the innermost entity ended: decide what its body
    /// is (RFC 2045 §5, RFC 2046 §5.1, §5.2.1).
    fn end_headers(&mut self, body_start: usize) -> Result<()> {
        let index = self.frames.len().saturating_sub(1);
        let Some(f) = self.frames.get_mut(index) else { return Ok(()) };
        let State::Headers(default) = f.state else { return Ok(()) };
        let e = &mut f.entity;
        e.body_start = body_start;
        e.headers.shrink();
        let [ct, cte] = ambiguity::unique_fields(&e.headers, &e.path, ["Content-Type", "Content-Transfer-Encoding"])?;
        e.content_type = match ct {
            None => default_type(default),
            Some(h) => {
                let parsed = params::parse_content_type(h.value, true)?;
                params::check_type_syntax(h.value, parsed.as_ref()).map_err(|err| ambiguity::in_part(&e.path, err))?;
                parsed.unwrap_or_else(|| default_type(default))
            }
        };
        e.encoding = cte.map_or(TransferEncoding::SevenBit, |h| encoding(h.value));
        f.state = State::Body;
        if e.content_type.is_multipart() {
            let boundary = e.content_type.param_strict("boundary").map_err(|err| ambiguity::in_part(&e.path, err))?;
            if let Some(b) = boundary {
                ambiguity::check_boundary(&e.path, b)?;
                let b: Box<[u8]> = b.as_bytes().into();
                self.active.entry(b.clone()).or_insert(index);
                f.state = State::Multipart(b, Phase::Preamble);
            }
        } else if matches!(e.content_type.value.as_str(), "message/rfc822" | "message/global")
            && matches!(e.encoding, TransferEncoding::SevenBit | TransferEncoding::EightBit | TransferEncoding::Binary)
        {
            // The embedded message keeps the part's path (IMAP numbering).
            let (path, depth) = (e.path.clone(), f.depth.saturating_add(1));
            self.open(body_start, path, depth, Fallback::TextPlain)?;
        }
        Ok(())
    }
}

fn default_type(d: Fallback) -> ContentType {
    match d {
        Fallback::TextPlain => ContentType::text_plain(),
        Fallback::MessageRfc822 => ContentType::message_rfc822(),
    }
}

fn encoding(value: &str) -> TransferEncoding {
    match value.trim().to_ascii_lowercase().as_str() {
        "7bit" | "" => TransferEncoding::SevenBit,
        "8bit" => TransferEncoding::EightBit,
        "binary" => TransferEncoding::Binary,
        "base64" => TransferEncoding::Base64,
        "quoted-printable" => TransferEncoding::QuotedPrintable,
        other => TransferEncoding::Other(other.to_owned()),
    }
}

/// One line of a header block (RFC 5322 §2.2, §3.6.8 field names).
fn header_line(f: &mut Frame, line: &Line, content: &[u8], stats: &mut ParseStats) -> Result<Step> {
    let e = &mut f.entity;
    let Some(&first) = content.first() else {
        // The blank line ends the header block.
        return Ok(Step::Body(line.next, false));
    };
    if line.bare_cr {
        return Err(ambiguity::bare_cr_header(&e.path));
    }
    add(&mut stats.header_bytes, content.len());
    if first == b' ' || first == b'\t' {
        e.headers.continue_last(content, line.next)?;
        return Ok(Step::Header);
    }
    if content.starts_with(b"From ") {
        // An mbox separator before the first field is not a header.
        if line.start == e.start && e.headers.is_empty() {
            return Ok(Step::Header);
        }
        return Err(ambiguity::envelope_line(&e.path));
    }
    let Some(colon) = content.iter().position(|b| *b == b':') else {
        // Not a header line: RFC 5322 has no place for it. Treat it as the
        // start of the body (what most readers display).
        return Ok(Step::Body(line.start, true));
    };
    let name = content.get(..colon).unwrap_or(&[]);
    ambiguity::check_field_name(&e.path, name)?;
    stats.header_fields = stats.header_fields.saturating_add(1);
    if stats.header_fields > limits::MAX_HEADER_FIELDS_PER_MESSAGE {
        return Err(Error::limit(format!("more than {} header fields in the message", limits::MAX_HEADER_FIELDS_PER_MESSAGE)));
    }
    e.headers.push(name, content.get(colon.saturating_add(1)..).unwrap_or(&[]), (line.start, line.next))?;
    Ok(Step::Header)
}
