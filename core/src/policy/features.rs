//! The fixed set of features a decision tree may test, and what each one is worth for one
//! order. Every value is O(1) from state the engine already keeps (balances, credit, the
//! rules' reservations, Queue 1 and Queue 2 counts and values, the order itself), from the
//! policy's own memory kept incrementally as payments settle (`state`: rolling windows,
//! today's payments, registers) or from the running total of this decision: nothing scans
//! history.

use super::Order;

/// What a policy sees of its agent at the start of step 2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AgentView {
    pub balance: i64,
    pub credit_limit: i64,
    /// Kept from normal payments by the rules' reservations (0 without rules).
    pub reserved: i64,
    pub tick: u64,
    pub ticks_per_day: u64,
    /// Total value of the agent's Queue 1.
    pub queue1_value: i128,
    pub queue1_count: u64,
    /// The agent's own payments waiting in Queue 2.
    pub queue2_count: u64,
    /// Value of its own payments waiting in Queue 2.
    pub queue2_value: i128,
    /// Value of the payments to it waiting in Queue 2.
    pub incoming_value: i128,
    /// What settled from it today (policy memory; 0 when the tree does not need it).
    pub paid_today: i128,
    /// What settled to it / from it in the policy's window (all counterparties).
    pub received_recent: i128,
    pub paid_recent: i128,
    /// The registers r0–r3.
    pub registers: [i64; super::state::REGISTERS],
}

/// The type of a feature: a condition compares values of one type only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Money,
    Ticks,
    Count,
    Priority,
    Flag,
    Agent,
    Register,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Money => "an amount (cents)",
            Kind::Ticks => "a number of ticks",
            Kind::Count => "a count",
            Kind::Priority => "a priority (0–10)",
            Kind::Flag => "a flag (true/false)",
            Kind::Agent => "an agent",
            Kind::Register => "an integer (register)",
        }
    }

    /// Ordered comparisons (`<`, `>=`, …) make sense for this type.
    pub fn ordered(self) -> bool {
        !matches!(self, Kind::Flag | Kind::Agent)
    }
}

macro_rules! features {
    ($tpd:ident; $($variant:ident = $name:literal, $kind:ident, [$lo:expr, $hi:expr], $doc:literal;)*) => {
        /// A feature a tree may test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Feature { $(#[doc = $doc] $variant,)* }

        impl Feature {
            /// Every feature, in documentation order.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Feature::$variant => $name,)* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Feature::$variant => Kind::$kind,)* }
            }

            /// The values the feature can take (used to find branches that are never taken).
            pub fn domain(self, $tpd: u64) -> (i128, i128) {
                match self { $(Feature::$variant => ($lo, $hi),)* }
            }
        }
    };
}

const I64_MAX: i128 = i64::MAX as i128;
const U64_MAX: i128 = u64::MAX as i128;
// Sums of orders: far beyond any reachable total, and sums of two never overflow.
const SUM_MAX: i128 = i128::MAX / 4;

features! {
    ticks_per_day;
    Balance = "balance", Money, [-I64_MAX, I64_MAX], "the agent's balance";
    CreditLimit = "credit_limit", Money, [0, I64_MAX], "its intraday credit limit";
    Available = "available", Money, [0, 2 * I64_MAX], "balance + credit limit";
    Reserved = "reserved", Money, [0, I64_MAX], "what the rules' reservations keep from normal payments";
    Queue1Value = "queue1_value", Money, [1, SUM_MAX], "total value of its Queue 1";
    ReleasedValue = "released_value", Money, [0, SUM_MAX], "value released so far in this decision";
    BalanceAfter = "balance_after", Money, [-I64_MAX - 2 * SUM_MAX + 1, I64_MAX], "balance − released_value − amount";
    Amount = "amount", Money, [1, I64_MAX], "the order's amount";
    Tick = "tick", Ticks, [0, U64_MAX], "the current tick";
    TickOfDay = "tick_of_day", Ticks, [0, ticks_per_day as i128 - 1], "tick mod ticks_per_day";
    TicksToDeadline = "ticks_to_deadline", Ticks, [0, U64_MAX], "max(0, deadline_tick − tick)";
    Age = "age", Ticks, [0, U64_MAX], "tick − arrival_tick";
    Queue1Count = "queue1_count", Count, [1, U64_MAX], "orders in its Queue 1";
    Queue2Count = "queue2_count", Count, [0, U64_MAX], "its payments waiting in Queue 2";
    Priority = "priority", Priority, [0, 10], "the order's priority";
    Urgent = "urgent", Flag, [0, 1], "the order is in an urgent class (rules.classes.urgent_from)";
    Counterparty = "counterparty", Agent, [0, U64_MAX], "the order's receiver";
    CreditHeadroom = "credit_headroom", Money, [-I64_MAX, 2 * I64_MAX], "credit_limit − max(0, −balance): credit not yet used";
    ExpectedOutflows = "expected_outflows", Money, [1, 2 * SUM_MAX], "queue1_value + its payments' value in Queue 2";
    ExpectedInflows = "expected_inflows", Money, [0, SUM_MAX], "value of the payments to it waiting in Queue 2";
    PaidToday = "paid_today", Money, [0, SUM_MAX], "value settled from it so far today";
    DayOutflows = "day_outflows", Money, [1, 3 * SUM_MAX], "paid_today + expected_outflows";
    ReceivedRecent = "received_recent", Money, [0, SUM_MAX], "value settled to it in the window";
    PaidRecent = "paid_recent", Money, [0, SUM_MAX], "value settled from it in the window";
    ReceivedFromCounterparty = "received_from_counterparty", Money, [0, SUM_MAX], "value settled from the order's receiver to it in the window";
    PaidToCounterparty = "paid_to_counterparty", Money, [0, SUM_MAX], "value settled from it to the order's receiver in the window";
    R0 = "r0", Register, [i64::MIN as i128, I64_MAX], "register 0";
    R1 = "r1", Register, [i64::MIN as i128, I64_MAX], "register 1";
    R2 = "r2", Register, [i64::MIN as i128, I64_MAX], "register 2";
    R3 = "r3", Register, [i64::MIN as i128, I64_MAX], "register 3";
}

impl Feature {
    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The feature's value for `order` given the agent and what this decision released so far.
    #[inline]
    pub fn value(self, view: &AgentView, order: &Order, released: i128) -> i128 {
        match self {
            Feature::Balance => view.balance as i128,
            Feature::CreditLimit => view.credit_limit as i128,
            Feature::Available => view.balance as i128 + view.credit_limit as i128,
            Feature::Reserved => view.reserved as i128,
            Feature::Queue1Value => view.queue1_value,
            Feature::ReleasedValue => released,
            Feature::BalanceAfter => view.balance as i128 - released - order.amount as i128,
            Feature::Amount => order.amount as i128,
            Feature::Tick => view.tick as i128,
            Feature::TickOfDay => (view.tick % view.ticks_per_day.max(1)) as i128,
            Feature::TicksToDeadline => order.deadline_tick.saturating_sub(view.tick) as i128,
            Feature::Age => view.tick.saturating_sub(order.arrival_tick) as i128,
            Feature::Queue1Count => view.queue1_count as i128,
            Feature::Queue2Count => view.queue2_count as i128,
            Feature::Priority => order.priority as i128,
            Feature::Urgent => order.urgent as i128,
            Feature::Counterparty => order.receiver as i128,
            Feature::CreditHeadroom => view.credit_limit as i128 - (-(view.balance as i128)).max(0),
            Feature::ExpectedOutflows => view.queue1_value + view.queue2_value,
            Feature::ExpectedInflows => view.incoming_value,
            Feature::PaidToday => view.paid_today,
            Feature::DayOutflows => view.paid_today + view.queue1_value + view.queue2_value,
            Feature::ReceivedRecent => view.received_recent,
            Feature::PaidRecent => view.paid_recent,
            Feature::ReceivedFromCounterparty => order.received_from as i128,
            Feature::PaidToCounterparty => order.paid_to as i128,
            Feature::R0 => view.registers[0] as i128,
            Feature::R1 => view.registers[1] as i128,
            Feature::R2 => view.registers[2] as i128,
            Feature::R3 => view.registers[3] as i128,
        }
    }

    /// Read from the policy's rolling windows (the engine keeps them only for such trees).
    pub fn needs_window(self) -> bool {
        matches!(
            self,
            Feature::ReceivedRecent
                | Feature::PaidRecent
                | Feature::ReceivedFromCounterparty
                | Feature::PaidToCounterparty
        )
    }

    /// The register it reads, if it is one.
    pub fn register(self) -> Option<usize> {
        match self {
            Feature::R0 => Some(0),
            Feature::R1 => Some(1),
            Feature::R2 => Some(2),
            Feature::R3 => Some(3),
            _ => None,
        }
    }
}
