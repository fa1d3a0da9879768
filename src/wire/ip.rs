//! IP headers. (Being written.)
