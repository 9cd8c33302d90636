//! When an article or a story says its event happened: the years it names (key terms `YYYY`)
//! and the years it states dates in (key terms `YYYY-MM`), and the rule that tells two events
//! of one kind apart by them.
//!
//! A bare year is weak evidence (reports name past years as background: "her 2005 stay in
//! rehab"); a stated date ("May 24, 2005") far more often gives the report's own time. So an
//! article and a story are judged to be dated differently only when at least one of them
//! states a date, and:
//! - each has a main year: the year most of its stated dates fall in (when that holds at
//!   least half of them: an obituary stating a birth, a debut and a death has none), else the
//!   year it names most;
//! - the main years differ;
//! - neither names the other's main year (when both state dates, neither *states* a date in
//!   the other's main year: bare years are then only background).

use tidings_core::KeyTerm;

use crate::dates::parse_month_term;

/// Share of its stated dates the main year must hold.
const MAIN_YEAR_SHARE: f32 = 0.5;
/// Evidence below this is what is left of floating-point sums after removals: none.
const EVIDENCE_EPSILON: f32 = 1e-4;

/// How strongly one year is named: in bare mentions and in stated dates.
#[derive(Debug, Clone, Copy, PartialEq)]
struct YearEvidence {
    year: i32,
    named: f32,
    stated: f32,
}

/// The years an article or a story names and states dates in, weighted by the key terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct EventTime {
    years: Vec<YearEvidence>,
}

/// The year a key term is, when it is one (1900 to 2099).
pub(crate) fn year_term(term: &str) -> Option<i32> {
    if term.len() == 4 && term.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = term.parse().ok()?;
        return (1900..2100).contains(&year).then_some(year);
    }
    None
}

impl EventTime {
    /// The time evidence of an article's key terms.
    pub(crate) fn of_terms(terms: &[KeyTerm]) -> Self {
        let mut time = EventTime::default();
        for t in terms {
            time.add_term(&t.term, t.weight);
        }
        time
    }

    /// Counts one key term (nothing when it is neither a year nor a stated month).
    pub(crate) fn add_term(&mut self, term: &str, weight: f32) {
        if !matches!(term.len(), 4 | 7) || !term.starts_with(['1', '2']) {
            return;
        }
        let (year, stated) = match (year_term(term), parse_month_term(term)) {
            (Some(year), _) => (year, false),
            (None, Some(month)) => (month.div_euclid(12), true),
            (None, None) => return,
        };
        let index = match self.years.iter().position(|e| e.year == year) {
            Some(index) => index,
            None => {
                self.years.push(YearEvidence {
                    year,
                    named: 0.0,
                    stated: 0.0,
                });
                self.years.len() - 1
            }
        };
        let entry = &mut self.years[index];
        if stated {
            entry.stated += weight;
        } else {
            entry.named += weight;
        }
    }

    /// Takes back what [`EventTime::add_term`] counted for the same term and weight (an
    /// article leaving a story); a year left with no evidence is forgotten.
    pub(crate) fn remove_term(&mut self, term: &str, weight: f32) {
        self.add_term(term, -weight);
        self.years
            .retain(|e| e.named.abs() > EVIDENCE_EPSILON || e.stated.abs() > EVIDENCE_EPSILON);
        for e in &mut self.years {
            if e.named < EVIDENCE_EPSILON {
                e.named = 0.0;
            }
            if e.stated < EVIDENCE_EPSILON {
                e.stated = 0.0;
            }
        }
    }

    /// Adds all of `other`'s evidence (two stories becoming one).
    pub(crate) fn absorb(&mut self, other: &EventTime) {
        for theirs in &other.years {
            match self.years.iter_mut().find(|e| e.year == theirs.year) {
                Some(mine) => {
                    mine.named += theirs.named;
                    mine.stated += theirs.stated;
                }
                None => self.years.push(*theirs),
            }
        }
    }

    /// Whether it names no year at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.years.is_empty()
    }

    /// The main year: where most of the stated dates fall, else the year named most.
    fn main_year(&self) -> Option<YearEvidence> {
        let stated: f32 = self.years.iter().map(|e| e.stated).sum();
        if stated > 0.0 {
            let main = self
                .years
                .iter()
                .max_by(|a, b| a.stated.total_cmp(&b.stated))?;
            return (main.stated >= MAIN_YEAR_SHARE * stated).then_some(*main);
        }
        self.years
            .iter()
            .filter(|e| e.named > 0.0)
            .max_by(|a, b| a.named.total_cmp(&b.named))
            .copied()
    }

    fn names(&self, year: i32) -> bool {
        self.years.iter().any(|e| e.year == year)
    }

    fn states(&self, year: i32) -> bool {
        self.years.iter().any(|e| e.year == year && e.stated > 0.0)
    }

    /// Whether `self` and `other` (an article and a story) are dated differently; see the
    /// module documentation. Symmetric.
    pub(crate) fn conflicts_with(&self, other: &EventTime) -> bool {
        let (Some(mine), Some(theirs)) = (self.main_year(), other.main_year()) else {
            return false;
        };
        if mine.year == theirs.year || (mine.stated == 0.0 && theirs.stated == 0.0) {
            return false;
        }
        if mine.stated > 0.0 && theirs.stated > 0.0 {
            return !self.states(theirs.year) && !other.states(mine.year);
        }
        !self.names(theirs.year) && !other.names(mine.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(terms: &[(&str, f32)]) -> EventTime {
        let terms: Vec<KeyTerm> = terms
            .iter()
            .map(|&(term, weight)| KeyTerm {
                term: term.to_string(),
                weight,
            })
            .collect();
        EventTime::of_terms(&terms)
    }

    fn conflict(a: &EventTime, b: &EventTime) -> bool {
        let forth = a.conflicts_with(b);
        assert_eq!(forth, b.conflicts_with(a), "the rule is symmetric");
        forth
    }

    #[test]
    fn bare_years_alone_never_conflict() {
        let article = time(&[("2005", 0.4), ("rehab", 0.5)]);
        let story = time(&[("2008", 0.3), ("1999", 0.1)]);
        assert!(!conflict(&article, &story));
    }

    #[test]
    fn dates_stated_in_different_years_conflict() {
        let may_2005 = time(&[("2005-05", 0.3), ("2005", 0.3)]);
        let dec_2008 = time(&[("2008-12", 0.3), ("2008", 0.2)]);
        assert!(conflict(&may_2005, &dec_2008));
        let jun_2005 = time(&[("2005-06", 0.2), ("2005", 0.2)]);
        assert!(!conflict(&may_2005, &jun_2005));
    }

    #[test]
    fn with_dates_on_both_sides_bare_years_are_background() {
        let may_2005 = time(&[("2005-05", 0.3), ("2005", 0.3)]);
        let dec_2008_recalling_2005 = time(&[("2008-12", 0.3), ("2008", 0.2), ("2005", 0.1)]);
        assert!(conflict(&may_2005, &dec_2008_recalling_2005));
        let dec_2008_stating_2005 = time(&[("2008-12", 0.3), ("2005-05", 0.1)]);
        assert!(!conflict(&may_2005, &dec_2008_stating_2005));
    }

    #[test]
    fn a_stated_date_against_bare_years_checks_the_main_year() {
        let dated_2013 = time(&[("2013-05", 0.3), ("2013", 0.2)]);
        let names_2008 = time(&[("2008", 0.4), ("2003", 0.1)]);
        assert!(conflict(&dated_2013, &names_2008));
        let names_2013_too = time(&[("2008", 0.4), ("2013", 0.1)]);
        assert!(!conflict(&dated_2013, &names_2013_too));
        assert!(
            !conflict(&dated_2013, &EventTime::default()),
            "no years: nothing to conflict with"
        );
    }

    #[test]
    fn dates_spread_over_many_years_give_no_main_year() {
        let obituary = time(&[("1923-04", 0.2), ("1955-01", 0.2), ("2008-12", 0.2)]);
        let dated_2013 = time(&[("2013-05", 0.3)]);
        assert!(!conflict(&obituary, &dated_2013));
        let mostly_1955 = time(&[("1923-04", 0.2), ("1955-01", 0.4)]);
        assert!(conflict(&mostly_1955, &dated_2013));
    }

    #[test]
    fn year_terms() {
        assert_eq!(year_term("2005"), Some(2005));
        assert_eq!(year_term("1899"), None);
        assert_eq!(year_term("20a5"), None);
        assert_eq!(year_term("2005-11"), None);
    }
}
