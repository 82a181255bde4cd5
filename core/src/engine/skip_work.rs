//! Skip-work bookkeeping: the memory of settlement attempts that failed, so that the engine
//! does not repeat one whose outcome is already known.
//!
//! Each memo is only ever *sufficient* for a skip: it says "nothing this attempt depends on
//! changed since it failed". Correctness therefore rests on one rule: **whatever changes what
//! settlement reads — a balance, a credit limit, whether an agent may settle, Queue 2 — calls
//! [`Simulation::invalidate`] for every agent it affects** (or [`Simulation::invalidate_all`]).
//! Forgetting too much only costs work; forgetting too little changes results, which the
//! property test comparing against the reference mode (nothing skipped) catches.
//!
//! The fields are private to this module: the rest of the engine asks "may I skip this?" and
//! reports failures, it never edits a memo.

use crate::engine::Simulation;
use crate::transaction::AgentIdx;

/// What changed about an agent. Each kind voids the memos whose attempts it could turn from
/// failure into success, or whose recorded state it moves; voiding more is always correct, so
/// a caller that is unsure says [`Change::Anything`]. The finer kinds exist because the hot
/// paths know more: treating every debit or every newly queued payment as `Anything` would
/// rescan the agent's whole Queue 2 at the next retry, which for a bank with a long backlog
/// multiplies the work of a tick by hundreds.
///
/// | change                 | retry its queued payments | its bilateral pairs, the LSM | multilateral              |
/// |------------------------|---------------------------|------------------------------|---------------------------|
/// | `LiquidityRose`        | yes                       | yes                          | if it has queued payments |
/// | `LiquidityFell`        | —                         | yes                          | strict memos only, if it has queued payments |
/// | `QueueChanged`         | —                         | yes                          | yes                       |
/// | `SentPaymentLeftQueue` | yes                       | yes                          | yes                       |
/// | `Anything`             | yes                       | yes                          | yes                       |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// It can fund more than before: a credit; later a higher credit limit, or the end of an
    /// outage. Its queued payments may now be fundable.
    LiquidityRose,
    /// Its state moved but it cannot fund anything it could not fund before: a debit (or a
    /// zero net move); later a lower credit limit, or the start of an outage. A payment that
    /// failed still fails, but memos of the exact state of a pair or of the LSM are stale.
    LiquidityFell,
    /// A payment it sends or receives joined or left Queue 2. A payment joins only when it
    /// cannot settle now, so its sender's retry memo stays valid; whoever ends that reason
    /// (a credit, the end of an outage) invalidates the sender.
    QueueChanged,
    /// A payment it sends left Queue 2 (settled or dropped): another of its payments may now
    /// head its queue (strict `fifo`).
    SentPaymentLeftQueue,
    /// Anything about it may have changed.
    Anything,
}

/// Memo of a bilateral pair's last failed attempt. It lives with the pair in Queue 2's
/// index of two-way pairs (so it disappears with the pair), but only this module reads or
/// writes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PairMemo(Option<(u64, u64)>);

/// The skip-work memos. Resetting them (as a restore does) changes no result, only work.
#[derive(Debug, Clone)]
pub(crate) struct SkipWork {
    /// Off in reference mode: nothing is skipped and Queue 2 is rescanned in full.
    enabled: bool,
    /// Senders whose payments the next Queue 2 retry must visit (`retry_list` holds each
    /// flagged sender once, in flagging order).
    retry_dirty: Vec<bool>,
    retry_list: Vec<AgentIdx>,
    /// Bumped whenever anything a bilateral attempt of the agent reads changes.
    agent_version: Vec<u64>,
    /// Bumped with every agent version: the LSM can settle nothing new while it stands still.
    global_version: u64,
    /// `global_version` when the LSM last ran to a fixed point.
    lsm_ran_at: Option<u64>,
    /// A multilateral attempt could settle something its last failed attempt did not: Queue 2
    /// changed, or an agent with queued payments gained liquidity, since then.
    multilateral_dirty: bool,
    /// An agent with queued payments lost liquidity since the last failed multilateral
    /// attempt. Only the rule of semantics 1 is known to fail again then (its result shrinks
    /// with liquidity); the other algorithms' memos need this to be false too.
    multilateral_moved: bool,
    /// The last failed multilateral attempt was a search (`exact`, `greedy_exact` within its
    /// part cap), not `greedy_removal`'s rule. `greedy_exact` runs both, by queue size: a
    /// failed search means no fundable set exists, so the rule fails too, but the rule's
    /// failure says nothing of the search's (it may still find a set).
    multilateral_searched: bool,
}

impl SkipWork {
    /// Nothing known yet: every sender is retried, every mechanism attempted.
    pub fn new(agents: usize) -> Self {
        SkipWork {
            enabled: true,
            retry_dirty: vec![true; agents],
            retry_list: (0..agents as AgentIdx).collect(),
            agent_version: vec![0; agents],
            global_version: 0,
            lsm_ran_at: None,
            multilateral_dirty: true,
            multilateral_moved: true,
            multilateral_searched: false,
        }
    }

    /// Reference mode: skip nothing (tests and benchmarks compare both modes).
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    /// Whether skipping is on (off: the reference algorithms run).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn retry(&mut self, agent: AgentIdx) {
        let a = agent as usize;
        if !self.retry_dirty[a] {
            self.retry_dirty[a] = true;
            self.retry_list.push(agent);
        }
    }

    fn bump(&mut self, agent: AgentIdx) {
        self.agent_version[agent as usize] += 1;
        self.global_version += 1;
    }

    // ----- Queue 2 retry -------------------------------------------------------------------

    /// Hand every sender flagged for a retry to `visit` (each once) and clear the flags.
    /// Senders flagged afterwards (by the retry's own settlements) wait for the next call.
    pub fn drain_retry(&mut self, mut visit: impl FnMut(AgentIdx)) {
        for &agent in &self.retry_list {
            self.retry_dirty[agent as usize] = false;
            visit(agent);
        }
        self.retry_list.clear();
    }

    // ----- LSM -----------------------------------------------------------------------------

    /// Whether the LSM's outcome is known: nothing changed since it last ran to a fixed point,
    /// so it would settle nothing (the caller skips it unless in reference mode).
    pub fn lsm_known(&self) -> bool {
        self.lsm_ran_at == Some(self.global_version)
    }

    /// The LSM just ran to a fixed point.
    pub fn lsm_ran(&mut self) {
        self.lsm_ran_at = Some(self.global_version);
    }

    /// Neither agent of the pair changed since the pair's last failed bilateral attempt (the
    /// caller skips it unless in reference mode).
    pub fn pair_known(&self, i: AgentIdx, j: AgentIdx, memo: PairMemo) -> bool {
        memo.0 == Some(self.pair_versions(i, j))
    }

    /// The memo to store after a failed bilateral attempt of the pair.
    pub fn pair_failed(&self, i: AgentIdx, j: AgentIdx) -> PairMemo {
        PairMemo(Some(self.pair_versions(i, j)))
    }

    fn pair_versions(&self, i: AgentIdx, j: AgentIdx) -> (u64, u64) {
        (
            self.agent_version[i as usize],
            self.agent_version[j as usize],
        )
    }

    /// Nothing a multilateral attempt depends on changed since the last one failed (`search`:
    /// the attempt is a search, which skips only after a failed search and when no liquidity
    /// of an agent with queued payments fell either).
    pub fn multilateral_known(&self, search: bool) -> bool {
        !(self.multilateral_dirty
            || (search && (self.multilateral_moved || !self.multilateral_searched)))
    }

    /// A multilateral attempt just settled nothing (`search`: it was a search).
    pub fn multilateral_failed(&mut self, search: bool) {
        self.multilateral_dirty = false;
        self.multilateral_moved = false;
        self.multilateral_searched = search;
    }
}

impl Simulation {
    /// Forget every memo that `change` of `agent` could make wrong. Every mutation of what
    /// settlement reads calls this for each agent it affects (see the module comment).
    pub(crate) fn invalidate(&mut self, agent: AgentIdx, change: Change) {
        let skip = &mut self.skip;
        match change {
            Change::LiquidityRose => {
                skip.retry(agent);
                // Only an agent with queued payments can be short in multilateral offsetting.
                if self.queue2.sender_len(agent) > 0 {
                    skip.multilateral_dirty = true;
                }
            }
            Change::LiquidityFell => {
                if self.queue2.sender_len(agent) > 0 {
                    skip.multilateral_moved = true;
                }
            }
            Change::QueueChanged => skip.multilateral_dirty = true,
            Change::SentPaymentLeftQueue | Change::Anything => {
                skip.retry(agent);
                skip.multilateral_dirty = true;
            }
        }
        skip.bump(agent);
    }

    /// Forget every memo: everything may have changed (a restore; later any change of a
    /// parameter that all agents share). Versions are bumped, never reset, so no stored pair
    /// memo can match again.
    pub(crate) fn invalidate_all(&mut self) {
        for agent in 0..self.ids.len() as AgentIdx {
            self.invalidate(agent, Change::Anything);
        }
    }
}
