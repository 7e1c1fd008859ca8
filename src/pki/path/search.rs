//! Path building: an iteratively deepened depth-first search from the end
//! entity towards the trust anchors over the certificates at hand, every step
//! charged. Round L tries the complete candidates of exactly L certificates,
//! so the shortest paths are validated first and each candidate once.
//!
//! Each step of the search spends the per-call budgets (`path-budget-exceeded`)
//! and the message's work budget: a candidate issuer tried, an anchor tried, a
//! dead end and a depth stop alike, so a mesh of certificates sharing one name
//! cannot make the search explore n! chains for free (issue 9 §1). Sound
//! pruning keeps meshes cheap:
//! - an issuer that already failed to verify a certificate's signature (or
//!   whose key could not be used for it) is not tried for that certificate
//!   again (the edge is known bad);
//! - a certificate with the same subject name and key as one already on the
//!   path is a loop (RFC 4158 §2.4.1) and is not pushed;
//! - a certificate from which no anchor can be reached over edges not known
//!   bad, or only over more certificates than the round has left, is not
//!   pushed: no path through it can end at an anchor in this round.

use super::{authority_key_id, check_signature, remember, PathInput, Signed, ValidPath};
use crate::budget::Key;
use crate::budget::{is_exhaustion, WorkBudget};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::Certificate;
use crate::pki::cert::PublicKeyInfo;

/// The issuer side of a signature edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Up {
    /// Trust anchor, by index in `PathInput::anchors`.
    Anchor(usize),
    /// Certificate node.
    Node(usize),
}

/// What a search looks for: a path for the signer (any anchor) or, in the
/// CRL signer search of §6.3.3(f), a path to one given anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mode {
    /// Only this anchor may end the path.
    pub anchor: Option<usize>,
    /// Validating the path of a CRL signer (cRLSign instead of R31).
    pub crl_signer: bool,
}

/// The length of the candidates one round of the search tries, and whether
/// some chain could have gone on.
struct Round {
    length: usize,
    cut: bool,
}

/// Signature edges known to fail, sorted.
struct Edges(Vec<(Up, usize)>);

impl Edges {
    fn contains(&self, e: &(Up, usize)) -> bool {
        self.0.binary_search(e).is_ok()
    }
    /// Add `e`; false when it was known.
    fn insert(&mut self, e: (Up, usize)) -> bool {
        match self.0.binary_search(&e) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, e);
                true
            }
        }
    }
}

/// For each node, the fewest certificates above it to an anchor over edges
/// not known bad (None: no anchor can be reached), over the explored nodes.
struct Reach {
    explored: Vec<bool>,
    dist: Vec<Option<usize>>,
    /// An edge was found bad since: compute again before use.
    stale: bool,
}

/// One certificate, with its issuer candidates found lazily.
struct Node<'a> {
    cert: &'a Certificate,
    /// Nodes whose subject matches this certificate's issuer, the ones whose
    /// subject key identifier matches its authority key identifier first.
    issuers: Option<Vec<usize>>,
    /// Anchors whose subject matches this certificate's issuer.
    anchors: Option<Vec<usize>>,
}

/// The state of one `validate_with` call: the certificates, the per-call
/// budgets, what is known about signature edges, and the message's budget.
pub(super) struct Search<'i, 'a, 'w> {
    pub input: &'i PathInput<'a>,
    pub work: &'w mut WorkBudget,
    nodes: Vec<Node<'a>>,
    ee: usize,
    steps: usize,
    candidates: usize,
    signatures: usize,
    /// Signature edges known to fail.
    bad: Edges,
    /// Distances to an anchor, per anchor filter.
    reach: Vec<(Option<usize>, Reach)>,
    /// CRL signer nodes whose path to an anchor was searched: (node, anchor).
    crl_signers: Vec<((usize, usize), bool)>,
    /// CRLs (by index in `PathInput::crls`) found usable at T, or not.
    pub crl_usable: Vec<Option<bool>>,
}

fn path_budget(what: String) -> Error {
    Error::new(Code::PathBudgetExceeded, what)
}

impl<'i, 'a, 'w> Search<'i, 'a, 'w> {
    /// The certificates at hand: the intermediates without duplicates, and
    /// the end entity.
    pub fn new(input: &'i PathInput<'a>, work: &'w mut WorkBudget, ee: &'a Certificate) -> Result<Self> {
        let mut nodes: Vec<Node<'a>> = Vec::new();
        for c in input.intermediates.iter().copied() {
            if !nodes.iter().any(|n| n.cert.raw == c.raw) {
                nodes.push(Node { cert: c, issuers: None, anchors: None });
            }
        }
        let ee_index = match nodes.iter().position(|n| n.cert.raw == ee.raw) {
            Some(i) => i,
            None => {
                nodes.push(Node { cert: ee, issuers: None, anchors: None });
                nodes.len().saturating_sub(1)
            }
        };
        Ok(Search {
            input,
            work,
            nodes,
            ee: ee_index,
            steps: 0,
            candidates: 0,
            signatures: 0,
            bad: Edges(Vec::new()),
            reach: Vec::new(),
            crl_signers: Vec::new(),
            crl_usable: vec![None; input.crls.len()],
        })
    }

    /// Search for the end entity's path.
    pub fn run(mut self) -> Result<ValidPath<'a>> {
        let mode = Mode { anchor: None, crl_signer: self.input.crl_signer };
        let mut best = None;
        match self.find(self.ee, mode, &mut best)? {
            Some(v) => Ok(v),
            None => Err(best.unwrap_or_else(|| Error::new(Code::UntrustedRoot, "no path from the signer's certificate to a trusted root"))),
        }
    }

    /// Rounds of 1, 2, ... certificates from `origin` up, until a path
    /// validates, the length limit is reached, or no chain was cut short by
    /// the round's length (nothing longer exists).
    fn find(&mut self, origin: usize, mode: Mode, best: &mut Option<Error>) -> Result<Option<ValidPath<'a>>> {
        for length in 1..=limits::MAX_PATH_LENGTH {
            let mut round = Round { length, cut: false };
            let mut chain = vec![origin];
            if let Some(v) = self.search(&mut chain, &mut round, mode, best)? {
                return Ok(Some(v));
            }
            if !round.cut {
                break;
            }
        }
        Ok(None)
    }

    /// The certificate of node `n`.
    pub fn cert(&self, n: usize) -> Result<&'a Certificate> {
        self.nodes.get(n).map(|x| x.cert).ok_or_else(|| Error::malformed("no such certificate node"))
    }

    /// Every node (for the CRL signer search).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn step(&mut self) -> Result<()> {
        self.steps = self.steps.saturating_add(1);
        if self.steps > limits::MAX_PATH_SEARCH_STEPS {
            return Err(path_budget(format!("more than {} path search steps", limits::MAX_PATH_SEARCH_STEPS)));
        }
        self.work.path_step()
    }

    fn candidate(&mut self) -> Result<()> {
        self.candidates = self.candidates.saturating_add(1);
        if self.candidates > limits::MAX_PATH_CANDIDATES {
            return Err(path_budget(format!("more than {} candidate paths", limits::MAX_PATH_CANDIDATES)));
        }
        self.work.path_candidate()
    }

    /// Check a certificate or CRL signature. The per-call bound counts the
    /// checks that ran a public-key operation (a remembered one costs the
    /// message's budget a lookup, not an operation).
    pub fn check(&mut self, key: &Key, issuer_spki: &PublicKeyInfo, signed: &Signed<'_>) -> Result<()> {
        if self.signatures >= limits::MAX_PATH_SIGNATURE_CHECKS {
            return Err(path_budget(format!("more than {} signature checks", limits::MAX_PATH_SIGNATURE_CHECKS)));
        }
        let before = self.work.stats().public_key_ops;
        let r = check_signature(self.work, key, issuer_spki, signed, self.input.policy);
        if self.work.stats().public_key_ops > before {
            self.signatures = self.signatures.saturating_add(1);
        }
        r
    }

    /// [`Search::check`] as a yes or no: a signature that fails is a no,
    /// a budget that runs out ends the validation.
    pub fn verifies(&mut self, key: &Key, issuer_spki: &PublicKeyInfo, signed: &Signed<'_>) -> Result<bool> {
        match self.check(key, issuer_spki, signed) {
            Ok(()) => Ok(true),
            Err(e) if is_exhaustion(e.code) => Err(e),
            Err(_) => Ok(false),
        }
    }

    /// Does `signed` verify under `cert`'s own key? A key that cannot be
    /// used is a no too (a CRL or OCSP signer's certificate).
    pub fn verifies_under(&mut self, cert: &Certificate, signed: &Signed<'_>) -> Result<bool> {
        let key = match self.work.key(&cert.spki, None) {
            Ok(k) => k,
            Err(e) if is_exhaustion(e.code) => return Err(e),
            Err(_) => return Ok(false),
        };
        self.verifies(&key, &cert.spki, signed)
    }

    /// Record that `up`'s key does not verify node `n`.
    pub fn mark_bad(&mut self, up: Up, n: usize) {
        if self.bad.insert((up, n)) {
            for (_, r) in &mut self.reach {
                r.stale = true;
            }
        }
    }

    fn anchors_of(&mut self, n: usize) -> Result<Vec<usize>> {
        let node = self.nodes.get(n).ok_or_else(|| Error::malformed("no such certificate node"))?;
        if let Some(a) = &node.anchors {
            return Ok(a.clone());
        }
        let issuer = &node.cert.issuer;
        let mut found = Vec::new();
        for (i, a) in self.input.anchors.iter().enumerate() {
            if self.work.names_match(&a.subject, issuer)? {
                found.push(i);
            }
        }
        if let Some(node) = self.nodes.get_mut(n) {
            node.anchors = Some(found.clone());
        }
        Ok(found)
    }

    fn issuers_of(&mut self, n: usize) -> Result<Vec<usize>> {
        let node = self.nodes.get(n).ok_or_else(|| Error::malformed("no such certificate node"))?;
        if let Some(i) = &node.issuers {
            return Ok(i.clone());
        }
        let cert = node.cert;
        let mut found: Vec<(u8, usize)> = Vec::new();
        let aki = authority_key_id(cert);
        for (j, other) in self.nodes.iter().enumerate() {
            if j == n || !self.work.names_match(&other.cert.subject, &cert.issuer)? {
                continue;
            }
            let rank = match (&aki, other.cert.subject_key_id()) {
                (Some(a), Some(s)) if *a == s => 0,
                (Some(_), Some(_)) => 2,
                _ => 1,
            };
            found.push((rank, j));
        }
        found.sort_by_key(|(r, _)| *r);
        let found: Vec<usize> = found.into_iter().map(|(_, j)| j).collect();
        if let Some(node) = self.nodes.get_mut(n) {
            node.issuers = Some(found.clone());
        }
        Ok(found)
    }

    /// The fewest certificates above node `n` to an anchor allowed by
    /// `mode` over edges not known bad (None: unreachable), computed over
    /// everything the searches so far (and this one, from `origin`) can push.
    fn distance(&mut self, origin: usize, n: usize, mode: Mode) -> Result<Option<usize>> {
        let slot = self.reach.iter().position(|(a, _)| *a == mode.anchor);
        let known = slot.and_then(|i| self.reach.get(i)).map(|(_, r)| r);
        if !known.is_some_and(|r| !r.stale && r.explored.get(origin).copied().unwrap_or(false)) {
            let mut origins: Vec<usize> =
                known.map(|r| r.explored.iter().enumerate().filter(|(_, e)| **e).map(|(i, _)| i).collect()).unwrap_or_default();
            origins.push(origin);
            let r = self.compute_reach(origins, mode)?;
            match slot.and_then(|i| self.reach.get_mut(i)) {
                Some(entry) => entry.1 = r,
                None => self.reach.push((mode.anchor, r)),
            }
        }
        // Every node a search pushes is in the closure of its origin.
        let dist = self.reach.iter().find(|(a, _)| *a == mode.anchor).and_then(|(_, r)| r.dist.get(n).copied());
        Ok(dist.unwrap_or(Some(0)))
    }

    /// Breadth-first, backwards from the nodes with a usable anchor, over the
    /// issuer edges not known bad of everything reachable from `origins`.
    /// A node's distance depends only on what lies above it, so one result
    /// serves every origin inside the explored closure.
    fn compute_reach(&mut self, origins: Vec<usize>, mode: Mode) -> Result<Reach> {
        let count = self.nodes.len();
        let mut explored = vec![false; count];
        let mut stack = origins;
        let mut edges: Vec<(usize, usize)> = Vec::new();
        while let Some(x) = stack.pop() {
            match explored.get_mut(x) {
                Some(e) if !*e => *e = true,
                _ => continue,
            }
            for i in self.issuers_of(x)? {
                if !self.bad.contains(&(Up::Node(i), x)) {
                    edges.push((i, x));
                }
                stack.push(i);
            }
        }
        let mut dist: Vec<Option<usize>> = explored.iter().map(|e| if *e { None } else { Some(0) }).collect();
        // Breadth first: a queue read from `head`.
        let mut queue: Vec<(usize, usize)> = Vec::new();
        let mut head = 0;
        for x in (0..count).filter(|x| explored.get(*x).copied().unwrap_or(false)) {
            let usable =
                self.anchors_of(x)?.into_iter().any(|a| mode.anchor.is_none_or(|m| m == a) && !self.bad.contains(&(Up::Anchor(a), x)));
            if usable {
                if let Some(d) = dist.get_mut(x) {
                    *d = Some(0);
                }
                queue.push((x, 0usize));
            }
        }
        self.work.graph_edges(edges.len().saturating_add(count))?;
        edges.sort_unstable();
        while let Some(&(i, d)) = queue.get(head) {
            head = head.saturating_add(1);
            let from = edges.partition_point(|(up, _)| *up < i);
            for &(_, x) in edges.get(from..).unwrap_or(&[]).iter().take_while(|(up, _)| *up == i) {
                if let Some(slot) = dist.get_mut(x) {
                    if slot.is_none() {
                        *slot = Some(d.saturating_add(1));
                        queue.push((x, d.saturating_add(1)));
                    }
                }
            }
        }
        Ok(Reach { explored, dist, stale: false })
    }

    /// RFC 4158 §2.4.1: the same subject name and key twice in a path is a
    /// loop.
    fn repeats_name_and_key(&self, chain: &[usize], c: usize) -> bool {
        let Some(cand) = self.nodes.get(c).map(|n| n.cert) else { return true };
        chain.iter().filter_map(|p| self.nodes.get(*p)).any(|p| p.cert.subject.raw == cand.subject.raw && p.cert.spki_raw == cand.spki_raw)
    }

    /// Could a later round push something on top of `chain`?
    fn can_go_on(&mut self, chain: &[usize], origin: usize, mode: Mode) -> Result<bool> {
        let Some(top) = chain.last().copied() else { return Ok(false) };
        for c in self.issuers_of(top)? {
            if !chain.contains(&c) && !self.bad.contains(&(Up::Node(c), top)) && self.distance(origin, c, mode)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One round of the depth-first search; `chain` runs from the end entity
    /// (or CRL signer) upward.
    fn search(&mut self, chain: &mut Vec<usize>, round: &mut Round, mode: Mode, best: &mut Option<Error>) -> Result<Option<ValidPath<'a>>> {
        let Some(top) = chain.last().copied() else { return Ok(None) };
        let origin = chain.first().copied().unwrap_or(top);
        self.step()?;
        if chain.len() >= round.length {
            // Candidates of this round's length end here, at an anchor.
            for a in self.anchors_of(top)? {
                if mode.anchor.is_some_and(|m| m != a) || self.bad.contains(&(Up::Anchor(a), top)) {
                    continue;
                }
                self.candidate()?;
                match super::validate::validate_path(self, chain, a, mode) {
                    Ok(v) => return Ok(Some(v)),
                    Err(e) if is_exhaustion(e.code) => return Err(e),
                    Err(e) => remember(best, e),
                }
            }
            // Longer chains through here wait for a later round: a depth
            // stop, charged like any step.
            if chain.len() < limits::MAX_PATH_LENGTH && self.can_go_on(chain, origin, mode)? {
                round.cut = true;
                self.step()?;
            }
            return Ok(None);
        }
        // Certificates that name the issuer, not already on the path, that
        // can still reach an anchor within the round's length.
        let left = round.length.saturating_sub(chain.len()).saturating_sub(1);
        let mut any = false;
        for c in self.issuers_of(top)? {
            if chain.contains(&c) || self.bad.contains(&(Up::Node(c), top)) || self.repeats_name_and_key(chain, c) {
                continue;
            }
            match self.distance(origin, c, mode)? {
                None => continue,
                Some(d) if d > left => {
                    // It may reach an anchor in a later, longer round.
                    round.cut = true;
                    continue;
                }
                Some(_) => {}
            }
            any = true;
            chain.push(c);
            let r = self.search(chain, round, mode, best);
            chain.pop();
            if let Some(v) = r? {
                return Ok(Some(v));
            }
        }
        if !any {
            // A dead end costs a step too.
            self.step()?;
        }
        Ok(None)
    }

    /// §6.3.3(f): does CRL signer node `n` have a valid path (as a CRL signer)
    /// to `anchor`? Searched once per node and anchor in this call.
    pub fn crl_signer_valid(&mut self, n: usize, anchor: usize) -> Result<bool> {
        if let Some((_, v)) = self.crl_signers.iter().find(|(k, _)| *k == (n, anchor)) {
            return Ok(*v);
        }
        let mode = Mode { anchor: Some(anchor), crl_signer: true };
        let mut best = None;
        let ok = match self.find(n, mode, &mut best) {
            Ok(found) => found.is_some(),
            Err(e) if is_exhaustion(e.code) => return Err(e),
            Err(_) => false,
        };
        self.crl_signers.push(((n, anchor), ok));
        Ok(ok)
    }
}
