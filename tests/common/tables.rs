//! Reading the vector tables of tests/data/ (rsa/, dsa/): TSV with a header
//! row, hex cells, and the valid/invalid words of their verdict columns.

use std::collections::HashMap;

/// Bytes of a hex cell (an odd length gets a leading 0).
pub fn hex(s: &str) -> Vec<u8> {
    let s = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_owned() };
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// The rows of a TSV table as maps from its header's column names.
pub fn rows(table: &str) -> Vec<HashMap<&str, &str>> {
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), header.len(), "row {l:.60}");
            header.iter().copied().zip(cells).collect()
        })
        .collect()
}

/// A check's outcome in the tables' words.
pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "valid"
    } else {
        "invalid"
    }
}
