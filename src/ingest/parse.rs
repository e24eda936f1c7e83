//! Value parsers (under construction).
