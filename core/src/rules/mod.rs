//! The rules of real RTGS systems (`docs/model.md` § The rules of real RTGS systems): priority
//! classes, liquidity reservations per class, bilateral and multilateral limits on normal
//! payments.
//!
//! | module   | holds                                                                       |
//! |----------|-----------------------------------------------------------------------------|
//! | `config` | the `rules` section of a configuration and its validation                   |
//! | `book`   | the rules at run time: classes, reservations, limits and today's positions  |
//! | `hooks`  | where settlement asks the rules: a gross payment, a chosen offsetting set   |
//!
//! Without a `rules` section the simulation holds no [`book::RuleBook`] and settlement takes
//! exactly the paths it took before these rules existed.

pub(crate) mod book;
pub mod config;
mod hooks;

pub use config::{
    ClassConfig, ParticipantRules, PaymentClass, Reservations, RulesConfig,
    DEFAULT_HIGHLY_URGENT_FROM, DEFAULT_URGENT_FROM,
};

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
}
