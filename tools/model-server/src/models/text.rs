//! Words of a text, as every text model here reads them: ASCII letters and
//! digits, lower-cased; anything else separates words.

pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The lines of a shipped data file that are not blank and not comments
/// (starting with `#`).
pub fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_split_on_anything_else() {
        assert_eq!(
            words("Rabbit-hole, 2 DAYS!  café"),
            ["rabbit", "hole", "2", "days", "caf"]
        );
        assert!(words(" ,;- ").is_empty());
    }
}
