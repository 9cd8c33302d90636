//! Tidings' enrichment stage, pure and synchronous: an article's hashtags and key terms,
//! whether it is a syndicated copy of another, and which story (event) it belongs to.

mod copies;
mod dates;
mod event_time;
mod names;
mod stopwords;
mod story_index;
mod tags;
mod terms;

pub use copies::{
    COPY_CONTAINMENT, CopyEvidence, Original, choose_original, containment, is_copy, shingles,
};
pub use stopwords::is_stopword;
pub use story_index::{
    IndexedArticle, Neighbour, Placement, REVISIONS_PER_ARTICLE, Revision, StoryIndex,
    StoryIndexConfig, StoryKey,
};
pub use tags::{category_tag, harmonise_tags, tag_key};
pub use terms::{Enrichment, MAX_TAGS, MAX_TERMS, NAME_TERM_PREFIX, enrich, fold_plural};
