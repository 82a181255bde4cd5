//! The rules of real RTGS systems (`docs/model.md` § The rules of real RTGS systems): priority
//! classes, liquidity reservations per class, bilateral and multilateral limits on normal
//! payments.
//!
//! | module   | holds                                                                       |
//! |----------|-----------------------------------------------------------------------------|
//! | `config` | the `rules` section of a configuration and its validation                   |
//! | `book`   | the rules at run time: classes, reservations, limits and today's positions  |
//! | `hooks`  | where settlement asks the rules: a gross payment, a chosen offsetting set   |
//! | `collateral` | credit lines against collateral, its postings and withdrawals, its cost |
//! | `entry`  | offsetting at entry (`rules.entry_offsetting`)                              |
//! | `limit_change` | scheduled `limit` changes and the limits a snapshot keeps             |
//! | `reserve` | scheduled `reservation` changes and the reservations a snapshot keeps      |
//! | `timed`  | timed payments: from-time (waiting out of the policy's sight), till-time    |
//! | `first_pass` | the rules in the liquidity bounds' first pass: classes kept, holds dropped |
//!
//! Without a `rules` section the simulation holds no [`book::RuleBook`] and settlement takes
//! exactly the paths it took before these rules existed.

pub(crate) mod book;
mod collateral;
pub mod config;
mod entry;
pub(crate) mod first_pass;
mod hooks;
mod limit_change;
mod reserve;
mod timed;

pub use config::{
    collateral_credit, ClassConfig, Collateral, ParticipantRules, PaymentClass, Reservations,
    RulesConfig, DEFAULT_HIGHLY_URGENT_FROM, DEFAULT_URGENT_FROM,
};
pub use limit_change::LimitsDoc;
pub use reserve::ReservationDoc;
pub(crate) use timed::{validate_network as validate_network_timed, Waiting};
pub use timed::{TimedDoc, TimedShare};

/// What the rules held in a run (`stats().rules`, present when a rule is configured).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesStatistics {
    /// Payments that did not settle at RTGS entry, although their sender had the liquidity,
    /// because it was reserved for a higher class.
    pub held_by_reservation: u64,
    /// Normal payments that did not settle at RTGS entry, although liquidity and reservations
    /// allowed it, because they would have broken a bilateral or multilateral limit.
    pub held_by_limit: u64,
    /// Per agent with collateral, in configuration order: what it holds and the credit it used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collateral: Vec<CollateralStatistics>,
}

/// One agent's collateral at the end of the run so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollateralStatistics {
    /// The agent.
    pub id: String,
    /// Collateral posted now (cents).
    pub posted: i64,
    /// The credit line it gives now.
    pub credit_limit: i64,
    /// The most credit used at any time (its deepest overdraft).
    pub peak_credit_used: i64,
}
