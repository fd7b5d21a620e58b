//! "Did you mean …": the nearest existing name to one that does not exist,
//! for front matter keys, templates, variables, fields, filters and link
//! targets, so a typo's error names its fix.

/// The candidate closest to `wrong`, if one is close enough to be a typo of
/// it: at most a third of its characters edited (at least one), case
/// ignored. Ties go to the first candidate, so callers list likelier names
/// first.
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let allowed = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != wrong)
        .map(|candidate| (strsim::damerau_levenshtein(&wrong_lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `did you mean `title`?`, or nothing.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    nearest(wrong, candidates).map(|name| format!("did you mean `{name}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_its_name_and_a_stranger_finds_none() {
        let names = ["title", "date", "description", "taxonomies"];
        assert_eq!(nearest("titel", names), Some("title"));
        assert_eq!(nearest("Titl", names), Some("title"));
        assert_eq!(nearest("taxonomy", names), None);
        assert_eq!(nearest("taxonomis", names), Some("taxonomies"));
        assert_eq!(nearest("mood", names), None);
    }
}
