//! Limits changed by scheduled `limit` actions: the change itself, and the limits a snapshot
//! keeps (those that differ from the configuration's; version 6 `limits`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::{Change, Simulation};
use crate::events::EventKind;
use crate::transaction::AgentIdx;

/// One agent's limits that differ from the configuration's, in a snapshot (cents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsDoc {
    /// Bilateral limits by counterparty id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bilateral: BTreeMap<String, i64>,
    /// The multilateral limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multilateral: Option<i64>,
}

impl Simulation {
    /// A scheduled `limit` action: the limit becomes `amount`, whatever today's position
    /// (nothing settled is unwound; a position beyond the new limit holds the agent's new
    /// normal payments under it until payments received bring it back within).
    /// Recorded as a `limit_changed` event (old and new limits).
    pub(crate) fn apply_limit(
        &mut self,
        t: u64,
        agent: AgentIdx,
        counterparty: Option<AgentIdx>,
        amount: i64,
    ) {
        let Some(book) = self.rules.as_deref_mut() else {
            return; // refused at scheduling: the limit is configured
        };
        let Some(old) = book.set_limit(agent, counterparty, amount) else {
            return;
        };
        let kind = EventKind::LimitChanged {
            agent,
            counterparty,
            from: old,
            to: amount,
        };
        self.events.record(t, kind);
        let change = if amount > old {
            Change::LiquidityRose
        } else {
            Change::LiquidityFell
        };
        self.invalidate(agent, change);
    }

    /// The limits that differ from the configuration's, by agent id (a snapshot's).
    pub(crate) fn limits_to_doc(&self) -> BTreeMap<String, LimitsDoc> {
        let Some(book) = self.rules.as_deref() else {
            return BTreeMap::new();
        };
        let mut out = BTreeMap::new();
        for (id, r) in &self.config.rules.participants {
            let Some(l) = book.limits(self.index[id.as_str()]) else {
                continue;
            };
            let doc = LimitsDoc {
                bilateral: (l.bilateral.iter())
                    .map(|(&c, p)| (self.ids[c as usize].clone(), p.limit))
                    .filter(|(c, v)| r.bilateral_limits.get(c) != Some(v))
                    .collect(),
                multilateral: (l.multilateral.map(|p| p.limit))
                    .filter(|v| r.multilateral_limit != Some(*v)),
            };
            if doc != LimitsDoc::default() {
                out.insert(id.clone(), doc);
            }
        }
        out
    }

    /// Install a snapshot's limits; `Err((path, message))` names what does not fit.
    pub(crate) fn install_limits(
        &mut self,
        doc: BTreeMap<String, LimitsDoc>,
    ) -> Result<(), (String, String)> {
        for (id, l) in doc {
            let at = format!("limits.{id}");
            let a = *self
                .index
                .get(&id)
                .ok_or_else(|| (at.clone(), format!("unknown agent {id:?}")))?;
            let mut set = |c: Option<AgentIdx>, v: i64, path: String| {
                let book = self.rules.as_deref_mut();
                match book.and_then(|b| (v >= 0).then(|| b.set_limit(a, c, v)).flatten()) {
                    Some(_) => Ok(()),
                    None => Err((path, format!("no such limit of {id:?}, or a negative one"))),
                }
            };
            for (other, v) in &l.bilateral {
                let path = format!("{at}.bilateral.{other}");
                let c = self.index.get(other).copied();
                let Some(c) = c else {
                    return Err((path, format!("unknown counterparty {other:?}")));
                };
                set(Some(c), *v, path)?;
            }
            if let Some(v) = l.multilateral {
                set(None, v, format!("{at}.multilateral"))?;
            }
        }
        Ok(())
    }
}
