//! The wrapper around saphyr's deserializer that types plain scalars by their text and keeps
//! the reader's own errors (see the parent module).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use super::{options, positioned, Error};

/// Read `text` as one YAML document through `seed`.
pub(crate) fn deserialize_seed<'de, S: DeserializeSeed<'de>>(
    text: &'de str,
    seed: S,
) -> Result<S::Value, Error> {
    let slot = Slot::default();
    serde_saphyr::with_deserializer_from_str_with_options(text, options(text.len()), |d| {
        seed.deserialize(Typed {
            inner: d,
            slot: &slot,
        })
        .map_err(|e| slot.hand_in(e))
    })
    .map_err(|e| slot.take_back(e))
}

/// Carries the reader's own [`Error`] past saphyr, whose callbacks return saphyr's error
/// type: the error is kept here and saphyr is handed a marker, which is exchanged for it on
/// the way out.
#[derive(Default)]
struct Slot(Cell<Option<Error>>);

/// The text of the marker error saphyr carries in place of the reader's.
const MARKER: &str = "payment-sim: the YAML reader's error is in its slot";

impl Slot {
    /// The reader's error as the error type of a saphyr callback.
    fn hand_in<E: de::Error>(&self, e: Error) -> E {
        self.0.set(Some(e));
        E::custom(MARKER)
    }

    /// A saphyr error as the reader's: the one in the slot if saphyr is handing back the
    /// marker, else saphyr's own, as it reads.
    fn take_back<E: de::Error>(&self, e: E) -> Error {
        let kept = self.0.take();
        let text = e.to_string();
        match kept {
            Some(kept) if text.contains(MARKER) => kept,
            _ => Error(positioned(text)),
        }
    }
}

/// A saphyr deserializer that asks for "any" value where a scalar is expected, so the
/// scalar's text decides its type, and whose errors are the reader's.
struct Typed<'s, D> {
    inner: D,
    slot: &'s Slot,
}

/// A visitor handed to saphyr: it wraps what saphyr hands it back in [`Typed`]'s kin.
struct Wrap<'s, V> {
    visitor: V,
    slot: &'s Slot,
    /// The visitor reads a struct, which is written as a mapping: a sequence is refused (as
    /// serde_norway refused it), not read field by field as serde's derive would.
    is_struct: bool,
}

impl<'s, V> Wrap<'s, V> {
    fn new(visitor: V, slot: &'s Slot) -> Self {
        Wrap {
            visitor,
            slot,
            is_struct: false,
        }
    }
}

/// A seed handed to saphyr: it deserializes through [`Typed`].
struct Seed<'s, S> {
    seed: S,
    slot: &'s Slot,
}

/// Saphyr's sequence, map, enum and variant accesses, with the reader's error.
struct Access<'s, A> {
    inner: A,
    slot: &'s Slot,
}

/// Scalars: ask saphyr for "any" value.
macro_rules! by_text {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let slot = self.slot;
            self.inner
                .deserialize_any(Wrap::new(visitor, slot))
                .map_err(|e| slot.take_back(e))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Typed<'_, D> {
    type Error = Error;

    by_text! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_unit deserialize_seq deserialize_map
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_str(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_string(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_identifier(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_bytes(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_byte_buf(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_option(Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_newtype_struct(name, Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    /// Any value: a mapping is read as the struct, anything else is refused in serde's words
    /// ("invalid type: integer `1`, expected struct …"; saphyr's would be "expected mapping
    /// start"), a sequence too.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let slot = self.slot;
        let mut wrap = Wrap::new(visitor, slot);
        wrap.is_struct = true;
        self.inner
            .deserialize_any(wrap)
            .map_err(|e| slot.take_back(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_enum(name, variants, Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    /// Skipped values build nothing and raise nothing: saphyr's own walk, unwrapped.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .deserialize_ignored_any(visitor)
            .map_err(|e| slot.take_back(e))
    }
}

/// Scalar visits: the wrapped visitor's, its error carried past saphyr.
macro_rules! visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            let slot = self.slot;
            self.visitor.$method(v).map_err(|e| slot.hand_in(e))
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    visit! {
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
        visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
        visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char); visit_str(&str);
        visit_borrowed_str(&'de str); visit_string(String); visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        let slot = self.slot;
        self.visitor.visit_none().map_err(|e| slot.hand_in(e))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        let slot = self.slot;
        self.visitor.visit_unit().map_err(|e| slot.hand_in(e))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let slot = self.slot;
        let typed = Typed { inner: d, slot };
        self.visitor.visit_some(typed).map_err(|e| slot.hand_in(e))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let slot = self.slot;
        let typed = Typed { inner: d, slot };
        self.visitor
            .visit_newtype_struct(typed)
            .map_err(|e| slot.hand_in(e))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let slot = self.slot;
        if self.is_struct {
            let e = de::Error::invalid_type(de::Unexpected::Seq, &self.visitor);
            return Err(slot.hand_in(e));
        }
        self.visitor
            .visit_seq(Access { inner: seq, slot })
            .map_err(|e| slot.hand_in(e))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let slot = self.slot;
        self.visitor
            .visit_map(Access { inner: map, slot })
            .map_err(|e| slot.hand_in(e))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let slot = self.slot;
        self.visitor
            .visit_enum(Access { inner: data, slot })
            .map_err(|e| slot.hand_in(e))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        let slot = self.slot;
        let typed = Typed { inner: d, slot };
        self.seed.deserialize(typed).map_err(|e| slot.hand_in(e))
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Access<'_, A> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let slot = self.slot;
        self.inner
            .next_element_seed(Seed { seed, slot })
            .map_err(|e| slot.take_back(e))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Access<'_, A> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let slot = self.slot;
        self.inner
            .next_key_seed(Seed { seed, slot })
            .map_err(|e| slot.take_back(e))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let slot = self.slot;
        self.inner
            .next_value_seed(Seed { seed, slot })
            .map_err(|e| slot.take_back(e))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, 's, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Access<'s, A> {
    type Error = Error;
    type Variant = Access<'s, A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Error> {
        let slot = self.slot;
        let (value, variant) = self
            .inner
            .variant_seed(Seed { seed, slot })
            .map_err(|e| slot.take_back(e))?;
        Ok((
            value,
            Access {
                inner: variant,
                slot,
            },
        ))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Access<'_, A> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let slot = self.slot;
        self.inner.unit_variant().map_err(|e| slot.take_back(e))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let slot = self.slot;
        self.inner
            .newtype_variant_seed(Seed { seed, slot })
            .map_err(|e| slot.take_back(e))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .tuple_variant(len, Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let slot = self.slot;
        self.inner
            .struct_variant(fields, Wrap::new(visitor, slot))
            .map_err(|e| slot.take_back(e))
    }
}
