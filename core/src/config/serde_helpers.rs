//! How the configuration is read: `null` for an optional field means "absent" (the default),
//! a map's keys must be unique, and an id must be a string in YAML as in JSON.

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
            while let Some((Text(key), value)) = map.next_entry::<Text, f64>()? {
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

/// A string that is written as one: YAML reads a plain `null`, `~`, `123` or `true` as null, a
/// number or a boolean, and so must an id (JSON refuses them too). serde_norway would hand any
/// plain scalar to `deserialize_str` as text; asking for "any" value lets the scalar's own type
/// decide, so both syntaxes accept and refuse the same ids.
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Text, E> {
                // YAML's null reaches serde as "unit"; say "null", as JSON does.
                Err(E::invalid_type(serde::de::Unexpected::Other("null"), &self))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// An id field: a string, never a plain YAML null, number or boolean (see [`Text`]).
pub(crate) fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Text::deserialize(d).map(|Text(s)| s)
}
