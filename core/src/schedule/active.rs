//! What the applied actions changed and the engine reads: which agents are out (and whether
//! they receive), the LSM switches, the counterparty weights set, and the external flows that
//! conservation counts. Credit limits live in the ledger, rates in the arrival streams.

use super::entry::Weights;
use crate::config::LsmConfig;
use crate::transaction::AgentIdx;

/// The effects in force.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Active {
    /// Per agent: in an outage (its policy releases nothing, its queued payments do not settle).
    out: Vec<bool>,
    /// Per agent: in an outage that blocks receiving (payments to it do not settle).
    deaf: Vec<bool>,
    /// Agents out or deaf: 0 keeps the settlement checks to one comparison.
    restricted: usize,
    /// LSM switches set by an `lsm` action (the configuration's until then).
    pub lsm: Option<LsmConfig>,
    /// Receiver weights set by a `counterparty_weights` action, per agent.
    pub weights: Vec<Option<Weights>>,
    /// Whether a `credit_limit` action has applied (the limits then differ from the
    /// configuration's and the ledger's are the truth).
    pub credit_changed: bool,
    /// Injections minus withdrawals applied so far, all agents: exact, for the conservation
    /// identity (128 bits: repeated flows in and out can pass the i64 range, while the net
    /// itself stays within ±2^64 because every balance does).
    pub external_net: i128,
    /// All injections and all withdrawals so far (saturating, as every value total).
    pub external_in: i64,
    pub external_out: i64,
}

impl Active {
    pub fn new(agents: usize) -> Self {
        Active {
            out: vec![false; agents],
            deaf: vec![false; agents],
            restricted: 0,
            lsm: None,
            weights: vec![None; agents],
            credit_changed: false,
            external_net: 0,
            external_in: 0,
            external_out: 0,
        }
    }

    /// Nothing applied yet.
    pub fn is_pristine(&self) -> bool {
        self.restricted == 0
            && self.lsm.is_none()
            && self.weights.iter().all(Option::is_none)
            && !self.credit_changed
            && self.external_in == 0
            && self.external_out == 0
    }

    /// Start (`on`) or end an outage of `agent`.
    pub fn set_outage(&mut self, agent: AgentIdx, on: bool, block_receiving: bool) {
        let a = agent as usize;
        let was = self.out[a] || self.deaf[a];
        self.out[a] = on;
        self.deaf[a] = on && block_receiving;
        let is = self.out[a] || self.deaf[a];
        match (was, is) {
            (false, true) => self.restricted += 1,
            (true, false) => self.restricted -= 1,
            _ => {}
        }
    }

    /// Whether `agent` is in an outage.
    pub fn is_out(&self, agent: AgentIdx) -> bool {
        self.restricted > 0 && self.out[agent as usize]
    }

    /// Whether a payment from `sender` to `receiver` may settle now (by any mechanism).
    #[inline]
    pub fn may_settle(&self, sender: AgentIdx, receiver: AgentIdx) -> bool {
        self.restricted == 0 || !(self.out[sender as usize] || self.deaf[receiver as usize])
    }

    /// Whether no outage is in force (the settlement checks can be skipped).
    #[inline]
    pub fn unrestricted(&self) -> bool {
        self.restricted == 0
    }
}
