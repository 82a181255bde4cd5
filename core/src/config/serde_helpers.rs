//! How the configuration is read: `null` for an optional field means "absent" (the default),
//! a map's keys must be unique, an id must be a string in YAML as in JSON, a struct or an
//! internally tagged enum is a mapping, never a list, and a unit-only enum is a string
//! ([`mapping_only!`]; also used by the submission and the snapshot documents).

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

/// Implements `Serialize` and `Deserialize` for types that derive them with
/// `#[serde(remote = "Self")]`, so that each is read only in the shape the documents (and the
/// JSON Schema) give it: a struct or an internally tagged enum from a mapping, a unit-only enum
/// from a string.
///
/// serde's derived `Deserialize` of a struct also reads a *sequence*, its fields by position
/// (for formats without field names), and serde_json offers one whenever a struct is asked for:
/// `"lsm": [true, false]` or an agent written as a list were accepted. That of an internally
/// tagged enum reads a sequence whose first element is the tag (`"policy": ["Fifo"]`), and the
/// fields inside such an enum are read from serde's buffer, which also offers sequences — in
/// YAML too (`split: [10, 2]`). A unit-only enum also reads the map form of an externally
/// tagged variant (`"queue_discipline": {"fifo": null}` in JSON) and a YAML tag (`!fifo`).
/// These are refused with serde's own words (`invalid type: sequence, expected struct
/// LsmConfig`), at every depth, in JSON and in YAML.
///
/// `#[serde(remote = "Self")]` turns the derived impls into the inherent functions
/// `T::deserialize` and `T::serialize`; this macro writes the trait impls around them.
/// `Serialize` is the derived one. `Deserialize` asks the format for the one shape and hands
/// it, as it comes, to the derived code: a map — `deserialize_map` for a struct (what
/// `deserialize_struct` does without the sequence; serde_norway's `deserialize_struct` *is*
/// `deserialize_map`), `deserialize_any` for an internally tagged enum (what its derive asks
/// for) — or a string (`deserialize_str`, which in YAML is a plain scalar's text, as the
/// derive read it). Field names, defaults, paths (serde_path_to_error sees the same map) and
/// every other message are the derive's, and nothing is buffered or copied.
///
/// A type that also derives `JsonSchema` needs `#[schemars(rename = "<its name>")]`: schemars
/// names a remote type after the remote path, which would be `Self`.
///
/// The inherent `T::deserialize` is the derive's, sequence and all: read these types through
/// the trait (`serde_json::from_str`, `Option::<T>::deserialize`, …), never by that path.
macro_rules! mapping_only {
    () => {};
    (struct $ty:ident; $($rest:tt)*) => {
        $crate::config::serde_helpers::mapping_only!(@serialize $ty);
        $crate::config::serde_helpers::mapping_only!(read-only struct $ty; $($rest)*);
    };
    (internally tagged enum $ty:ident; $($rest:tt)*) => {
        $crate::config::serde_helpers::mapping_only!(@serialize $ty);
        $crate::config::serde_helpers::mapping_only!(
            @deserialize $ty, deserialize_any, concat!("internally tagged enum ", stringify!($ty))
        );
        $crate::config::serde_helpers::mapping_only!($($rest)*);
    };
    (unit enum $ty:ident; $($rest:tt)*) => {
        $crate::config::serde_helpers::mapping_only!(@serialize $ty);
        $crate::config::serde_helpers::mapping_only!(@name $ty);
        $crate::config::serde_helpers::mapping_only!($($rest)*);
    };
    // A type that derives only `Deserialize`.
    (read-only struct $ty:ident; $($rest:tt)*) => {
        $crate::config::serde_helpers::mapping_only!(
            @deserialize $ty, deserialize_map, concat!("struct ", stringify!($ty))
        );
        $crate::config::serde_helpers::mapping_only!($($rest)*);
    };
    (@serialize $ty:ident) => {
        impl serde::Serialize for $ty {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // The inherent function: the derived impl.
                $ty::serialize(self, serializer)
            }
        }
    };
    // A unit-only enum: a string (its variant name) and nothing else.
    (@name $ty:ident) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Name;
                impl serde::de::Visitor<'_> for Name {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        // The derive's words.
                        f.write_str(concat!("enum ", stringify!($ty)))
                    }
                    #[inline]
                    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<$ty, E> {
                        // The inherent function: the derived impl, given the name.
                        $ty::deserialize(serde::de::value::StrDeserializer::<E>::new(name))
                    }
                }
                deserializer.deserialize_str(Name)
            }
        }
    };
    (@deserialize $ty:ident, $ask:ident, $expecting:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Mapping;
                impl<'de> serde::de::Visitor<'de> for Mapping {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        // The derive's words, so the messages do not change.
                        f.write_str($expecting)
                    }
                    #[inline]
                    fn visit_map<A>(self, map: A) -> Result<$ty, A::Error>
                    where
                        A: serde::de::MapAccess<'de>,
                    {
                        // The inherent function: the derived impl, given the map.
                        $ty::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                deserializer.$ask(Mapping)
            }
        }
    };
}
pub(crate) use mapping_only;
