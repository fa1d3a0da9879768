//! Test support: a `serde` serializer that only counts the elements of a
//! sequence, so that tests can see how a type serializes without a format crate
//! among the dependencies (`Ok(Default::default())` from a mutated `serialize`
//! counts 0, which the tests tell apart).

use core::fmt;
use serde::ser::{self, Impossible, Serialize};

#[derive(Debug)]
pub(crate) struct NotASeq;
impl fmt::Display for NotASeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a sequence")
    }
}
impl serde::ser::StdError for NotASeq {}
impl ser::Error for NotASeq {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotASeq
    }
}

pub(crate) struct Count;
pub(crate) struct Seq(usize);

impl ser::SerializeSeq for Seq {
    type Ok = usize;
    type Error = NotASeq;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), NotASeq> {
        self.0 += 1;
        Ok(())
    }
    fn end(self) -> Result<usize, NotASeq> {
        Ok(self.0)
    }
}

macro_rules! refuse {
    ($($name:ident($($t:ty),*)),*) => {
        $(fn $name(self, $(_: $t),*) -> Result<usize, NotASeq> { Err(NotASeq) })*
    };
}

impl ser::Serializer for Count {
    type Ok = usize;
    type Error = NotASeq;
    type SerializeSeq = Seq;
    type SerializeTuple = Impossible<usize, NotASeq>;
    type SerializeTupleStruct = Impossible<usize, NotASeq>;
    type SerializeTupleVariant = Impossible<usize, NotASeq>;
    type SerializeMap = Impossible<usize, NotASeq>;
    type SerializeStruct = Impossible<usize, NotASeq>;
    type SerializeStructVariant = Impossible<usize, NotASeq>;
    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str)
    );
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<usize, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<usize, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<usize, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq, NotASeq> {
        Ok(Seq(0))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotASeq> {
        Err(NotASeq)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotASeq> {
        Err(NotASeq)
    }
}
