//! How the configuration is read: `null` for an optional field means "absent" (the default),
//! and a map's keys must be unique.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{CostRates, DEFAULT_DEADLINE_OFFSET, DEFAULT_PRIORITY};

/// `null` for an optional field means absent: these read a present `null` as the default.
macro_rules! null_means {
    ($($name:ident: $ty:ty = $value:expr;)*) => {$(
        pub(crate) fn $name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            Ok(Option::<$ty>::deserialize(d)?.unwrap_or($value))
        }
    )*};
}

null_means! {
    null_as_deadline_offset: i64 = DEFAULT_DEADLINE_OFFSET;
    null_as_priority: i64 = DEFAULT_PRIORITY;
    null_as_one: i64 = 1;
    null_as_true: bool = true;
    null_as_delay_cost: i64 = CostRates::default().delay_cost_per_tick;
    null_as_split_cost: i64 = CostRates::default().split_friction_cost;
    null_as_deadline_penalty: i64 = CostRates::default().deadline_penalty;
    null_as_eod_penalty: i64 = CostRates::default().eod_penalty;
}

pub(crate) fn default_deadline_offset() -> i64 {
    DEFAULT_DEADLINE_OFFSET
}
pub(crate) fn default_priority() -> i64 {
    DEFAULT_PRIORITY
}

/// `null` for an optional field means absent: deserialize it as the default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A map whose keys must be unique: a repeated key is an error, not "the last one wins".
pub(crate) fn unique_keys<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, f64>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of agent ids to weights")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, f64>()? {
                if out.insert(key.clone(), value).is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate entry with key {key:?}"
                    )));
                }
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}
