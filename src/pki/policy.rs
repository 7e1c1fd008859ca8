//! Certificate policy processing (RFC 5280 §6.1): the `valid_policy_tree` and
//! the `explicit_policy`, `policy_mapping` and `inhibit_anyPolicy` state
//! variables, from initialisation (§6.1.2) through wrap-up (§6.1.5).
//!
//! The policy facts of each certificate are first extracted into a
//! [`CertPolicies`] ([`CertPolicies::from_certificate`]); [`process`] then runs
//! the policy steps of the path validation algorithm over them. The rest of
//! §6.1 (signatures, validity, names, basic constraints) is judged elsewhere.
//!
//! The tree is kept as one `Vec` of nodes per depth, each node holding the
//! index of its parent in the level above. Policy mapping can make the tree
//! grow exponentially with the path length (the "policy tree explosion" of
//! CVE-2023-0464), so the number of nodes is bounded by
//! [`limits::MAX_POLICY_NODES`]: reaching it is `limit-exceeded`, never a
//! truncated tree. Policy qualifiers are kept in [`PolicyInfo`] but not
//! interpreted (RFC 5280 §4.2.1.4 lets applications ignore them), so the tree
//! does not carry `qualifier_set`.

mod extensions;

use extensions::check_unique;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::asn1::oid;
use crate::error::{Code, Error, Result};
use crate::limits;

/// One PolicyInformation of a certificatePolicies extension (RFC 5280
/// §4.2.1.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyInfo {
    /// policyIdentifier (OID content bytes).
    pub oid: Vec<u8>,
    /// The raw `policyQualifiers` SEQUENCE, empty when absent. Kept, not
    /// interpreted.
    pub qualifiers_raw: Vec<u8>,
}

/// Policy facts of one certificate, in path order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertPolicies {
    /// Subject equals issuer (RFC 5280 §6.1: "self-issued"). [`process`]
    /// ignores it on the last certificate of the path, as §6.1.3(d)(2) and
    /// §6.1.4 only apply it to certificates `i < n`.
    pub self_issued: bool,
    /// The certificatePolicies extension; `None` when absent.
    pub policies: Option<Vec<PolicyInfo>>,
    /// policyMappings: (issuerDomainPolicy, subjectDomainPolicy) OIDs.
    pub mappings: Vec<(Vec<u8>, Vec<u8>)>,
    /// policyConstraints requireExplicitPolicy (SkipCerts).
    pub require_explicit_policy: Option<u32>,
    /// policyConstraints inhibitPolicyMapping (SkipCerts).
    pub inhibit_policy_mapping: Option<u32>,
    /// inhibitAnyPolicy SkipCerts.
    pub inhibit_any_policy: Option<u32>,
}

/// The policy inputs of path validation, RFC 5280 §6.1.1 (c), (e), (f), (g).
/// `Default` is what RFC 5280 and PKITS call the default settings: any
/// policy, nothing inhibited, no explicit policy required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyInputs {
    /// user-initial-policy-set (OID content bytes); empty means {anyPolicy},
    /// and so does a set that contains anyPolicy.
    pub user_initial_policy_set: Vec<Vec<u8>>,
    /// initial-explicit-policy.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit.
    pub initial_any_policy_inhibit: bool,
}

/// The result of policy processing for a path that passed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// The policies the path is valid for, after the intersection with the
    /// user-initial-policy-set (the user-constrained policy set), in the trust
    /// anchor's policy domain (before any mapping), sorted and without
    /// duplicates. Contains the anyPolicy OID when the path is valid for any
    /// policy. Empty when the valid_policy_tree is NULL (allowed while no
    /// explicit policy is required).
    pub authority_constrained: Vec<Vec<u8>>,
    /// `explicit_policy` reached 0: the path had to be valid for a policy.
    pub explicit_policy_required: bool,
}

/// A node's expected_policy_set.
#[derive(Clone, Debug)]
enum Expected {
    /// {valid_policy}: what §6.1.3(d) gives every new node.
    Own,
    /// The subjectDomainPolicy values a mapping made equivalent to the
    /// node's valid_policy (§6.1.4(b)(1)); sorted, without duplicates, and
    /// shared by every node mapped from the same issuerDomainPolicy.
    Mapped(Rc<[Vec<u8>]>),
}

/// A valid_policy_tree node (qualifier_set is not tracked).
#[derive(Clone, Debug)]
struct Node {
    valid_policy: Vec<u8>,
    expected: Expected,
    /// Index of the parent in the level above (unused at depth 0).
    parent: usize,
    /// Cleared while deleting, before the levels are compacted.
    alive: bool,
}

impl Node {
    fn new(valid_policy: Vec<u8>, expected: Expected, parent: usize) -> Node {
        Node { valid_policy, expected, parent, alive: true }
    }

    /// The expected_policy_set, sorted.
    fn expected(&self) -> &[Vec<u8>] {
        match &self.expected {
            Expected::Own => std::slice::from_ref(&self.valid_policy),
            Expected::Mapped(set) => set,
        }
    }

    fn expects(&self, policy: &[u8]) -> bool {
        self.expected().binary_search_by(|e| e.as_slice().cmp(policy)).is_ok()
    }

    fn is_any(&self) -> bool {
        self.valid_policy == oid::ANY_POLICY
    }
}

/// Count one more node against [`limits::MAX_POLICY_NODES`].
fn count_node(nodes: &mut usize) -> Result<()> {
    if *nodes >= limits::MAX_POLICY_NODES {
        return Err(Error::limit(format!("the certificate policy tree would exceed {} nodes", limits::MAX_POLICY_NODES)));
    }
    *nodes = nodes.saturating_add(1);
    Ok(())
}

/// A non-NULL valid_policy_tree: `levels[d]` holds the nodes of depth `d`.
#[derive(Debug)]
struct Tree {
    levels: Vec<Vec<Node>>,
    /// Nodes in all levels.
    nodes: usize,
}

impl Tree {
    /// RFC 5280 §6.1.2(a): one node of depth 0, valid_policy anyPolicy,
    /// expected_policy_set {anyPolicy}.
    fn new() -> Tree {
        Tree { levels: vec![vec![Node::new(oid::ANY_POLICY.to_vec(), Expected::Own, 0)]], nodes: 1 }
    }

    /// True when the root was deleted: the tree is NULL.
    fn is_null(&self) -> bool {
        self.levels.first().is_none_or(|root| root.is_empty())
    }

    /// Delete the nodes for which `doomed(depth, index, node)` holds, together
    /// with their subtrees, then every node above the deepest level that is
    /// left without children, repeatedly (the pruning of §6.1.3(d)(3),
    /// §6.1.4(b)(2) and §6.1.5(g)(iii)(4)); then compact the levels.
    fn delete_where(&mut self, doomed: impl Fn(usize, usize, &Node) -> bool) {
        // Downward: a node goes with its parent.
        let mut parent_alive: Vec<bool> = Vec::new();
        for (depth, level) in self.levels.iter_mut().enumerate() {
            for (index, node) in level.iter_mut().enumerate() {
                let parent_ok = depth == 0 || parent_alive.get(node.parent).copied().unwrap_or(false);
                node.alive = node.alive && parent_ok && !doomed(depth, index, node);
            }
            parent_alive = level.iter().map(|n| n.alive).collect();
        }
        // Upward: from the deepest level, a node above it survives only with
        // a surviving child.
        let mut with_children: Option<BTreeSet<usize>> = None;
        for level in self.levels.iter_mut().rev() {
            if let Some(parents) = &with_children {
                for (index, node) in level.iter_mut().enumerate() {
                    node.alive = node.alive && parents.contains(&index);
                }
            }
            with_children = Some(level.iter().filter(|n| n.alive).map(|n| n.parent).collect());
        }
        // Compact, renumbering parents.
        let mut renumber: Vec<Option<usize>> = Vec::new();
        for (depth, level) in self.levels.iter_mut().enumerate() {
            let old = std::mem::take(level);
            let mut next = Vec::with_capacity(old.len());
            for mut node in old {
                if node.alive {
                    if depth > 0 {
                        node.parent = renumber.get(node.parent).copied().flatten().unwrap_or(0);
                    }
                    next.push(Some(level.len()));
                    level.push(node);
                } else {
                    next.push(None);
                }
            }
            renumber = next;
        }
        self.nodes = self.levels.iter().map(Vec::len).sum();
    }

    /// Prune without deleting anything first.
    fn prune(&mut self) {
        self.delete_where(|_, _, _| false);
    }

    /// RFC 5280 §6.1.3(d): add the level for a certificate whose
    /// certificatePolicies extension is `policies`. `any_allowed` is the
    /// condition of §6.1.3(d)(2): inhibit_anyPolicy > 0, or a self-issued
    /// certificate other than the last.
    fn add_certificate_policies(&mut self, policies: &[PolicyInfo], any_allowed: bool) -> Result<()> {
        let Some(parents) = self.levels.last() else { return Ok(()) };
        let nodes = &mut self.nodes;
        let mut children: Vec<Node> = Vec::new();
        // §6.1.3(d)(1): each policy other than anyPolicy.
        for p in policies.iter().filter(|p| p.oid != oid::ANY_POLICY) {
            let mut matched = false;
            // §6.1.3(d)(1)(i): under every node of depth i-1 that expects it.
            for (index, parent) in parents.iter().enumerate() {
                if parent.expects(&p.oid) {
                    count_node(nodes)?;
                    children.push(Node::new(p.oid.clone(), Expected::Own, index));
                    matched = true;
                }
            }
            // §6.1.3(d)(1)(ii): no match, so under the anyPolicy node of
            // depth i-1, if there is one.
            if !matched {
                if let Some(index) = parents.iter().position(Node::is_any) {
                    count_node(nodes)?;
                    children.push(Node::new(p.oid.clone(), Expected::Own, index));
                }
            }
        }
        // §6.1.3(d)(2): anyPolicy, when not inhibited: under every node of
        // depth i-1, one child for each expected policy (anyPolicy included)
        // that is not yet the valid_policy of one of its children.
        if any_allowed && policies.iter().any(|p| p.oid == oid::ANY_POLICY) {
            let existing: BTreeSet<(usize, &[u8])> = children.iter().map(|c| (c.parent, c.valid_policy.as_slice())).collect();
            let mut extra: Vec<Node> = Vec::new();
            for (index, parent) in parents.iter().enumerate() {
                for value in parent.expected() {
                    if !existing.contains(&(index, value.as_slice())) {
                        count_node(nodes)?;
                        extra.push(Node::new(value.clone(), Expected::Own, index));
                    }
                }
            }
            children.append(&mut extra);
        }
        self.levels.push(children);
        // §6.1.3(d)(3): delete the nodes of depth i-1 or less left without
        // children, repeatedly.
        self.prune();
        Ok(())
    }

    /// RFC 5280 §6.1.4(b): apply the policyMappings of certificate i to the
    /// nodes of depth i (the deepest level). `allowed` is policy_mapping > 0.
    fn apply_mappings(&mut self, mappings: &[(Vec<u8>, Vec<u8>)], allowed: bool) -> Result<()> {
        let mut by_issuer: BTreeMap<&[u8], BTreeSet<&[u8]>> = BTreeMap::new();
        for (issuer, subject) in mappings {
            by_issuer.entry(issuer.as_slice()).or_default().insert(subject.as_slice());
        }
        if !allowed {
            // §6.1.4(b)(2): policy_mapping is 0, so delete every node of depth
            // i whose valid_policy is an issuerDomainPolicy, then prune.
            let deepest = self.levels.len().saturating_sub(1);
            self.delete_where(|depth, _, node| depth == deepest && by_issuer.contains_key(node.valid_policy.as_slice()));
            return Ok(());
        }
        let nodes = &mut self.nodes;
        let Some(level) = self.levels.last_mut() else { return Ok(()) };
        for (issuer, subjects) in by_issuer {
            let set: Rc<[Vec<u8>]> = subjects.into_iter().map(<[u8]>::to_vec).collect();
            // §6.1.4(b)(1): every node of depth i with valid_policy ID-P now
            // expects the subjectDomainPolicy values mapped from ID-P.
            let mut found = false;
            for node in level.iter_mut().filter(|n| n.valid_policy == issuer) {
                node.expected = Expected::Mapped(Rc::clone(&set));
                found = true;
            }
            // §6.1.4(b)(1): no such node, but an anyPolicy node of depth i:
            // a sibling of it (a child of its parent, the anyPolicy node of
            // depth i-1) with valid_policy ID-P expecting the mapped values.
            if !found {
                if let Some(parent) = level.iter().find(|n| n.is_any()).map(|n| n.parent) {
                    count_node(nodes)?;
                    level.push(Node::new(issuer.to_vec(), Expected::Mapped(set), parent));
                }
            }
        }
        Ok(())
    }

    /// RFC 5280 §6.1.5(g)(iii): intersect the tree with a user-initial-policy-set
    /// that is not any-policy.
    fn intersect(&mut self, user: &BTreeSet<&[u8]>) -> Result<()> {
        let deepest = self.levels.len().saturating_sub(1);
        // §6.1.5(g)(iii)(1): the valid_policy_node_set is the nodes whose
        // parent is anyPolicy. (2): delete those whose valid_policy is
        // neither in the user set nor anyPolicy, with their subtrees.
        let mut doomed: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut present: BTreeSet<Vec<u8>> = BTreeSet::new();
        for (depth, pair) in self.levels.windows(2).enumerate() {
            let [above, level] = pair else { continue };
            for (index, node) in level.iter().enumerate() {
                if !above.get(node.parent).is_some_and(Node::is_any) || node.is_any() {
                    continue;
                }
                if user.contains(node.valid_policy.as_slice()) {
                    present.insert(node.valid_policy.clone());
                } else {
                    doomed.insert((depth.saturating_add(1), index));
                }
            }
        }
        self.delete_where(|depth, index, _| doomed.contains(&(depth, index)));
        if self.is_null() {
            return Ok(());
        }
        // §6.1.5(g)(iii)(3): an anyPolicy node of depth n stands for every
        // policy of the user set not yet in the valid_policy_node_set: give
        // its parent one child for each, then delete it.
        let nodes = &mut self.nodes;
        let Some(level) = self.levels.last_mut() else { return Ok(()) };
        let Some(any_index) = level.iter().position(Node::is_any) else { return Ok(()) };
        let parent = level.get(any_index).map_or(0, |n| n.parent);
        for policy in user.iter().filter(|p| !present.contains(**p)) {
            count_node(nodes)?;
            level.push(Node::new(policy.to_vec(), Expected::Own, parent));
        }
        // §6.1.5(g)(iii)(4): and prune.
        self.delete_where(|depth, index, _| depth == deepest && index == any_index);
        Ok(())
    }

    /// The policies of the deepest level, each traced to the trust anchor's
    /// domain: the valid_policy of the first node below the root on its
    /// branch that is not anyPolicy (mapping renames policies further down),
    /// or anyPolicy when the whole branch is.
    fn constrained_set(&self) -> Vec<Vec<u8>> {
        let mut out: BTreeSet<Vec<u8>> = BTreeSet::new();
        let Some(leaves) = self.levels.last() else { return Vec::new() };
        for leaf in leaves {
            let mut found: &[u8] = oid::ANY_POLICY;
            let mut node = leaf;
            // Walk up to the root, remembering the topmost non-anyPolicy node.
            for above in self.levels.iter().rev().skip(1) {
                if !node.is_any() {
                    found = &node.valid_policy;
                }
                match above.get(node.parent) {
                    Some(p) => node = p,
                    None => break,
                }
            }
            out.insert(found.to_vec());
        }
        out.into_iter().collect()
    }
}

fn violation(detail: String) -> Error {
    Error::new(Code::PolicyViolation, detail)
}

/// Run the policy steps of RFC 5280 §6.1 over a path: `path[0]` is the
/// certificate issued by the trust anchor, `path[n-1]` the end entity.
///
/// Fails with `policy-violation` when the path is not valid for any
/// acceptable policy while one is required (§6.1.3(f), §6.1.5) or when a
/// mapping involves anyPolicy (§6.1.4(a)); `malformed` when a certificate
/// lists a policy twice (§4.2.1.4); `limit-exceeded` when the tree would
/// exceed [`limits::MAX_POLICY_NODES`]; `invalid-argument` for an empty path.
pub fn process(path: &[CertPolicies], inputs: &PolicyInputs) -> Result<PolicyOutcome> {
    let n = path.len();
    if n == 0 {
        return Err(Error::new(Code::InvalidArgument, "policy processing of an empty certification path"));
    }
    let n_plus_1 = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(1);
    // §6.1.2(d): explicit_policy is 0 if initial-explicit-policy is set,
    // otherwise n+1.
    let mut explicit_policy = if inputs.initial_explicit_policy { 0 } else { n_plus_1 };
    // §6.1.2(e): inhibit_anyPolicy likewise from initial-any-policy-inhibit.
    let mut inhibit_any_policy = if inputs.initial_any_policy_inhibit { 0 } else { n_plus_1 };
    // §6.1.2(f): policy_mapping likewise from initial-policy-mapping-inhibit.
    let mut policy_mapping = if inputs.initial_policy_mapping_inhibit { 0 } else { n_plus_1 };
    // §6.1.2(a): the tree starts as a single anyPolicy node; None is NULL.
    let mut tree = Some(Tree::new());

    for (index, cert) in path.iter().enumerate() {
        let i = index.saturating_add(1);
        let last = i == n;
        // Self-issued matters only for certificates i < n (§6.1.3(d)(2),
        // §6.1.4(h)).
        let self_issued = cert.self_issued && !last;
        // The bounds of `from_certificate`, for hand-built input: they keep
        // the work per level within (nodes x entries).
        if cert.policies.as_ref().map_or(0, Vec::len) > limits::MAX_POLICY_NODES || cert.mappings.len() > limits::MAX_POLICY_NODES {
            return Err(Error::limit(format!(
                "certificate {i} of the path lists more than {} policies or mappings",
                limits::MAX_POLICY_NODES
            )));
        }

        match (&cert.policies, tree.as_mut()) {
            // §6.1.3(d): policies present and the tree not NULL.
            (Some(policies), Some(t)) => {
                check_unique(policies)?;
                t.add_certificate_policies(policies, inhibit_any_policy > 0 || self_issued)?;
                if t.is_null() {
                    tree = None;
                }
            }
            (Some(policies), None) => check_unique(policies)?,
            // §6.1.3(e): no certificatePolicies extension: the tree is NULL.
            (None, _) => tree = None,
        }
        // §6.1.3(f): explicit_policy > 0 or a non-NULL tree.
        if explicit_policy == 0 && tree.is_none() {
            return Err(violation(format!(
                "certificate {i} of the path leaves no valid certificate policy, and an explicit policy is required"
            )));
        }
        if last {
            break;
        }

        // §6.1.4(a): anyPolicy may not be mapped, to or from.
        if cert.mappings.iter().any(|(from, to)| from == oid::ANY_POLICY || to == oid::ANY_POLICY) {
            return Err(violation(format!("certificate {i} of the path maps a policy to or from anyPolicy")));
        }
        // §6.1.4(b): apply the mappings (or, with policy_mapping 0, delete
        // the mapped policies).
        if !cert.mappings.is_empty() {
            if let Some(t) = tree.as_mut() {
                t.apply_mappings(&cert.mappings, policy_mapping > 0)?;
                if t.is_null() {
                    tree = None;
                }
            }
        }
        // §6.1.4(h): a certificate that is not self-issued decrements each
        // non-zero counter.
        if !self_issued {
            explicit_policy = explicit_policy.saturating_sub(1);
            policy_mapping = policy_mapping.saturating_sub(1);
            inhibit_any_policy = inhibit_any_policy.saturating_sub(1);
        }
        // §6.1.4(i)(1),(2): policyConstraints can only lower the counters.
        if let Some(r) = cert.require_explicit_policy {
            explicit_policy = explicit_policy.min(u64::from(r));
        }
        if let Some(m) = cert.inhibit_policy_mapping {
            policy_mapping = policy_mapping.min(u64::from(m));
        }
        // §6.1.4(j): and so can inhibitAnyPolicy.
        if let Some(a) = cert.inhibit_any_policy {
            inhibit_any_policy = inhibit_any_policy.min(u64::from(a));
        }
    }

    // §6.1.5(a): decrement explicit_policy if not 0.
    explicit_policy = explicit_policy.saturating_sub(1);
    // §6.1.5(b): requireExplicitPolicy 0 in the end entity sets it to 0.
    if path.last().is_some_and(|c| c.require_explicit_policy == Some(0)) {
        explicit_policy = 0;
    }
    // §6.1.5(g): intersect with the user-initial-policy-set. (i) A NULL tree
    // stays NULL; (ii) any-policy keeps the whole tree; (iii) otherwise prune.
    let user: BTreeSet<&[u8]> = inputs.user_initial_policy_set.iter().map(Vec::as_slice).collect();
    if !user.is_empty() && !user.contains(oid::ANY_POLICY) {
        if let Some(t) = tree.as_mut() {
            t.intersect(&user)?;
            if t.is_null() {
                tree = None;
            }
        }
    }
    // §6.1.5: success needs explicit_policy > 0 or a non-NULL tree.
    if explicit_policy == 0 && tree.is_none() {
        return Err(violation("the path is valid for no acceptable certificate policy, and an explicit policy is required".to_owned()));
    }
    Ok(PolicyOutcome {
        authority_constrained: tree.as_ref().map(Tree::constrained_set).unwrap_or_default(),
        explicit_policy_required: explicit_policy == 0,
    })
}

#[cfg(test)]
mod tests {
    use super::extensions::{parse_certificate_policies, parse_inhibit_any_policy, parse_policy_constraints, parse_policy_mappings};
    use super::*;

    /// NIST-test-policy-k: 2.16.840.1.101.3.2.1.48.k.
    fn p(k: u8) -> Vec<u8> {
        vec![0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x02, 0x01, 0x30, k]
    }

    fn any() -> Vec<u8> {
        oid::ANY_POLICY.to_vec()
    }

    fn info(oids: &[Vec<u8>]) -> Option<Vec<PolicyInfo>> {
        Some(oids.iter().map(|o| PolicyInfo { oid: o.clone(), qualifiers_raw: Vec::new() }).collect())
    }

    /// A certificate asserting `oids`.
    fn cert(oids: &[Vec<u8>]) -> CertPolicies {
        CertPolicies { policies: info(oids), ..CertPolicies::default() }
    }

    fn no_policies() -> CertPolicies {
        CertPolicies::default()
    }

    fn with_map(mut c: CertPolicies, maps: &[(Vec<u8>, Vec<u8>)]) -> CertPolicies {
        c.mappings = maps.to_vec();
        c
    }

    fn explicit() -> PolicyInputs {
        PolicyInputs { initial_explicit_policy: true, ..PolicyInputs::default() }
    }

    fn user(set: &[Vec<u8>], explicit: bool) -> PolicyInputs {
        PolicyInputs { user_initial_policy_set: set.to_vec(), initial_explicit_policy: explicit, ..PolicyInputs::default() }
    }

    type Want = Result<Vec<Vec<u8>>, Code>;

    #[test]
    fn policy_paths_table() {
        let d = PolicyInputs::default();
        let cases: Vec<(&str, Vec<CertPolicies>, PolicyInputs, Want)> = vec![
            ("no policies, explicit not required", vec![no_policies(), no_policies()], d.clone(), Ok(vec![])),
            ("no policies, initial-explicit-policy", vec![no_policies(), no_policies()], explicit(), Err(Code::PolicyViolation)),
            ("same policy throughout", vec![cert(&[p(1)]), cert(&[p(1)])], explicit(), Ok(vec![p(1)])),
            ("different policies, explicit not required", vec![cert(&[p(1)]), cert(&[p(2)])], d.clone(), Ok(vec![])),
            ("different policies, explicit required", vec![cert(&[p(1)]), cert(&[p(2)])], explicit(), Err(Code::PolicyViolation)),
            (
                "requireExplicitPolicy 0 on the first CA, end entity without policies",
                vec![CertPolicies { require_explicit_policy: Some(0), ..cert(&[p(1)]) }, no_policies()],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            (
                "requireExplicitPolicy 0 on the first CA, end entity with its policy",
                vec![CertPolicies { require_explicit_policy: Some(0), ..cert(&[p(1)]) }, cert(&[p(1), p(2)])],
                d.clone(),
                Ok(vec![p(1)]),
            ),
            (
                "requireExplicitPolicy 0 in the end entity (§6.1.5(b))",
                vec![no_policies(), CertPolicies { require_explicit_policy: Some(0), ..no_policies() }],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            ("anyPolicy throughout", vec![cert(&[any()]), cert(&[any()])], explicit(), Ok(vec![any()])),
            ("anyPolicy CA, specific end entity", vec![cert(&[any()]), cert(&[p(3)])], explicit(), Ok(vec![p(3)])),
            // Mapping: the CA maps p1 to p2; the end entity asserts p2. The
            // result is expressed in the anchor's domain: p1.
            ("mapping", vec![with_map(cert(&[p(1)]), &[(p(1), p(2))]), cert(&[p(2)])], explicit(), Ok(vec![p(1)])),
            (
                "mapping, end entity keeps the issuer policy",
                vec![with_map(cert(&[p(1)]), &[(p(1), p(2))]), cert(&[p(1)])],
                explicit(),
                Err(Code::PolicyViolation),
            ),
            // §6.1.4(b)(1), second branch: ID-P not in the tree but anyPolicy is.
            (
                "mapping under anyPolicy",
                vec![cert(&[any()]), with_map(cert(&[any()]), &[(p(1), p(2))]), cert(&[p(2)])],
                explicit(),
                Ok(vec![p(1)]),
            ),
            (
                "mapping, user set names the anchor-domain policy",
                vec![with_map(cert(&[p(1)]), &[(p(1), p(2))]), cert(&[p(2)])],
                user(&[p(1)], true),
                Ok(vec![p(1)]),
            ),
            (
                "mapping, user set names the mapped policy",
                vec![with_map(cert(&[p(1)]), &[(p(1), p(2))]), cert(&[p(2)])],
                user(&[p(2)], true),
                Err(Code::PolicyViolation),
            ),
            (
                "mapping one policy to two",
                vec![with_map(cert(&[p(1)]), &[(p(1), p(2)), (p(1), p(3))]), cert(&[p(3)])],
                explicit(),
                Ok(vec![p(1)]),
            ),
            // Inhibit mapping: policy_mapping reaches 0 at the mapping CA,
            // so the mapped nodes are deleted (§6.1.4(b)(2)).
            (
                "inhibitPolicyMapping 0",
                vec![
                    CertPolicies { inhibit_policy_mapping: Some(0), require_explicit_policy: Some(0), ..cert(&[p(1)]) },
                    with_map(cert(&[p(1)]), &[(p(1), p(2))]),
                    cert(&[p(2)]),
                ],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            (
                "inhibitPolicyMapping 1 allows the next CA to map",
                vec![
                    CertPolicies { inhibit_policy_mapping: Some(1), require_explicit_policy: Some(0), ..cert(&[p(1)]) },
                    with_map(cert(&[p(1)]), &[(p(1), p(2))]),
                    cert(&[p(2)]),
                ],
                d.clone(),
                Ok(vec![p(1)]),
            ),
            (
                "initial-policy-mapping-inhibit",
                vec![with_map(cert(&[p(1)]), &[(p(1), p(2))]), cert(&[p(2)])],
                PolicyInputs { initial_policy_mapping_inhibit: true, initial_explicit_policy: true, ..PolicyInputs::default() },
                Err(Code::PolicyViolation),
            ),
            // inhibitAnyPolicy 0 on the first CA: the second CA's anyPolicy
            // no longer counts.
            (
                "inhibitAnyPolicy 0",
                vec![CertPolicies { inhibit_any_policy: Some(0), ..cert(&[any()]) }, cert(&[any()]), cert(&[p(1)])],
                explicit(),
                Err(Code::PolicyViolation),
            ),
            (
                "inhibitAnyPolicy 1 lets the next CA's anyPolicy count",
                vec![CertPolicies { inhibit_any_policy: Some(1), ..cert(&[any()]) }, cert(&[any()]), cert(&[p(1)])],
                explicit(),
                Ok(vec![p(1)]),
            ),
            (
                "initial-any-policy-inhibit",
                vec![cert(&[any()]), cert(&[p(1)])],
                PolicyInputs { initial_any_policy_inhibit: true, ..explicit() },
                Err(Code::PolicyViolation),
            ),
            // A self-issued CA may use anyPolicy even when inhibited
            // (§6.1.3(d)(2)) and does not decrement inhibit_anyPolicy.
            (
                "inhibitAnyPolicy 1, then a self-issued CA with anyPolicy",
                vec![
                    CertPolicies { inhibit_any_policy: Some(1), ..cert(&[any()]) },
                    CertPolicies { self_issued: true, ..cert(&[any()]) },
                    cert(&[any()]),
                    cert(&[p(1)]),
                ],
                explicit(),
                Ok(vec![p(1)]),
            ),
            (
                "inhibitAnyPolicy 1, then a CA that is not self-issued",
                vec![CertPolicies { inhibit_any_policy: Some(1), ..cert(&[any()]) }, cert(&[any()]), cert(&[any()]), cert(&[p(1)])],
                explicit(),
                Err(Code::PolicyViolation),
            ),
            // anyPolicy in the user set vs a specific one (§6.1.5(g)).
            ("user set {anyPolicy}", vec![cert(&[p(1)]), cert(&[p(1)])], user(&[any()], true), Ok(vec![p(1)])),
            ("user set {p1}", vec![cert(&[p(1), p(2)]), cert(&[p(1), p(2)])], user(&[p(1)], true), Ok(vec![p(1)])),
            ("user set {p2}, path p1", vec![cert(&[p(1)]), cert(&[p(1)])], user(&[p(2)], true), Err(Code::PolicyViolation)),
            ("user set {p2}, path p1, explicit not required", vec![cert(&[p(1)]), cert(&[p(1)])], user(&[p(2)], false), Ok(vec![])),
            ("user set {p2, p3}, anyPolicy path", vec![cert(&[any()]), cert(&[any()])], user(&[p(3), p(2)], true), Ok(vec![p(2), p(3)])),
            (
                "user set {p2}, anyPolicy CA, end entity p1 and anyPolicy",
                vec![cert(&[any()]), cert(&[p(1), any()])],
                user(&[p(2)], true),
                Ok(vec![p(2)]),
            ),
            // Self-issued intermediates do not decrement explicit_policy
            // (§6.1.4(h)).
            (
                "requireExplicitPolicy 2, self-issued CA, end entity without policies",
                vec![
                    CertPolicies { require_explicit_policy: Some(2), ..no_policies() },
                    CertPolicies { self_issued: true, ..no_policies() },
                    no_policies(),
                ],
                d.clone(),
                Ok(vec![]),
            ),
            (
                "requireExplicitPolicy 2, CA, end entity without policies",
                vec![CertPolicies { require_explicit_policy: Some(2), ..no_policies() }, no_policies(), no_policies()],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            (
                "the end entity's self_issued flag is ignored",
                vec![
                    CertPolicies { require_explicit_policy: Some(1), ..no_policies() },
                    CertPolicies { self_issued: true, ..no_policies() },
                ],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            // §6.1.4(a).
            ("mapping to anyPolicy", vec![with_map(cert(&[p(1)]), &[(p(1), any())]), cert(&[p(1)])], d.clone(), Err(Code::PolicyViolation)),
            (
                "mapping from anyPolicy",
                vec![with_map(cert(&[any()]), &[(any(), p(1))]), cert(&[p(1)])],
                d.clone(),
                Err(Code::PolicyViolation),
            ),
            (
                "a mapping in the end entity is not processed",
                vec![cert(&[p(1)]), with_map(cert(&[p(1)]), &[(p(1), any())])],
                d.clone(),
                Ok(vec![p(1)]),
            ),
            // §4.2.1.4.
            ("duplicate policy", vec![cert(&[p(1), p(1)]), cert(&[p(1)])], d.clone(), Err(Code::Malformed)),
        ];
        for (name, path, inputs, want) in cases {
            let got = process(&path, &inputs).map(|o| o.authority_constrained).map_err(|e| e.code);
            assert_eq!(got, want, "{name}");
        }
    }

    /// Every CA asserts p1..p10 and maps each to all ten: each level
    /// multiplies the tree by ten, so the fourth certificate trips the bound
    /// instead of building 10 000 nodes (CVE-2023-0464 style).
    #[test]
    fn mapping_explosion_trips_the_node_bound() {
        let all: Vec<Vec<u8>> = (1..=10).map(p).collect();
        let maps: Vec<(Vec<u8>, Vec<u8>)> = all.iter().flat_map(|a| all.iter().map(move |b| (a.clone(), b.clone()))).collect();
        let ca = with_map(cert(&all), &maps);
        let path = vec![ca.clone(), ca.clone(), ca.clone(), ca.clone(), cert(&all)];
        let err = process(&path, &PolicyInputs::default()).unwrap_err();
        assert_eq!(err.code, Code::LimitExceeded, "{err}");
        // More than MAX_POLICY_NODES policies in one certificate.
        let many: Vec<Vec<u8>> = (0..=1000u16).map(|k| vec![0x2a, 0x03, 0x81 + (k / 128) as u8, (k % 128) as u8]).collect();
        assert_eq!(process(&[cert(&many)], &PolicyInputs::default()).unwrap_err().code, Code::LimitExceeded);
        // Three levels (1 + 10 + 100 + 1000 nodes) also exceed it; two fit.
        let short = vec![ca.clone(), cert(&all)];
        let out = process(&short, &PolicyInputs::default()).unwrap();
        assert_eq!(out.authority_constrained, all);
    }

    #[test]
    fn outcome_flags() {
        let out = process(&[cert(&[p(1)])], &PolicyInputs::default()).unwrap();
        assert!(!out.explicit_policy_required);
        let out = process(&[CertPolicies { require_explicit_policy: Some(0), ..cert(&[p(1)]) }], &PolicyInputs::default()).unwrap();
        assert!(out.explicit_policy_required);
        assert_eq!(process(&[], &PolicyInputs::default()).unwrap_err().code, Code::InvalidArgument);
    }

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, u8::try_from(content.len()).unwrap()];
        v.extend_from_slice(content);
        v
    }

    #[test]
    fn extension_parsing() {
        // certificatePolicies: p1 with a qualifier sequence, then anyPolicy.
        let qualifiers =
            der(0x30, &der(0x30, &[der(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01]), der(0x16, b"http://x")].concat()));
        let cp = der(0x30, &[der(0x30, &[der(0x06, &p(1)), qualifiers.clone()].concat()), der(0x30, &der(0x06, &any()))].concat());
        let got = parse_certificate_policies(&cp).unwrap();
        assert_eq!(got, vec![PolicyInfo { oid: p(1), qualifiers_raw: qualifiers }, PolicyInfo { oid: any(), qualifiers_raw: vec![] }]);
        let dup = der(0x30, &[der(0x30, &der(0x06, &p(1))), der(0x30, &der(0x06, &p(1)))].concat());
        assert_eq!(parse_certificate_policies(&dup).unwrap_err().code, Code::Malformed);
        assert_eq!(parse_certificate_policies(&der(0x30, &[])).unwrap_err().code, Code::Malformed);
        // policyMappings.
        let pm = der(0x30, &der(0x30, &[der(0x06, &p(1)), der(0x06, &p(2))].concat()));
        assert_eq!(parse_policy_mappings(&pm).unwrap(), vec![(p(1), p(2))]);
        assert!(parse_policy_mappings(&der(0x30, &der(0x30, &der(0x06, &p(1))))).is_err());
        // policyConstraints: [0] and [1], either, not none; big values saturate.
        assert_eq!(parse_policy_constraints(&der(0x30, &[der(0x80, &[0]), der(0x81, &[2])].concat())).unwrap(), (Some(0), Some(2)));
        assert_eq!(parse_policy_constraints(&der(0x30, &der(0x81, &[1]))).unwrap(), (None, Some(1)));
        assert_eq!(parse_policy_constraints(&der(0x30, &der(0x80, &[1, 0, 0, 0, 0, 0]))).unwrap(), (Some(u32::MAX), None));
        assert!(parse_policy_constraints(&der(0x30, &[])).is_err());
        assert!(parse_policy_constraints(&der(0x30, &der(0x80, &[0xff]))).is_err());
        // inhibitAnyPolicy.
        assert_eq!(parse_inhibit_any_policy(&der(0x02, &[3])).unwrap(), 3);
        assert!(parse_inhibit_any_policy(&der(0x04, &[3])).is_err());
    }
}
