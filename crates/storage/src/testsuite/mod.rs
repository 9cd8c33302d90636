//! The backend-independent storage test suite: async checks over `&dyn Storage` that every
//! backend must pass. Each function expects an empty, freshly migrated storage and panics
//! (with a message saying what broke) on failure. Checks in [`shared_database`] take two
//! storages open on the same database, as two processes would be.
//!
//! The crate's `for_each_check!` macro lists every check once; each
//! backend's test module hands it the macros that turn a check into a test, so a check added
//! to the list runs on every backend. [`TempPostgres`] gives a test (in any crate) a throwaway
//! PostgreSQL database.

pub mod accounts;
pub mod admin;
pub mod ai_cache;
pub mod articles;
pub mod cache_stamps;
pub mod coordination;
pub mod feeds;
pub mod follows;
pub mod headlines;
pub mod images;
pub mod lists;
pub mod raw_pages;
pub mod shared_database;
pub mod sitemap;
pub mod stories;
pub mod story_revisions;
mod temp_postgres;
pub mod tokens;

pub use temp_postgres::{DEFAULT_TEST_POSTGRES_URL, TEST_POSTGRES_URL_VAR, TempPostgres};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tidings_core::{
    ArticleId, BodySource, InsertOutcome, KeyTerm, NewArticle, NewFeed, RepublishPolicy, Storage,
    StoryId, StoryPlacement, Tag,
};

/// A fixed instant the fixtures' times are measured from.
pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
        .single()
        .expect("2024-05-01 is a valid date")
}

/// [`base_time`] moved by `hours` (negative is earlier).
pub fn hours_after_base(hours: i64) -> DateTime<Utc> {
    base_time() + Duration::hours(hours)
}

/// A valid feed at `url`, polled hourly.
pub fn sample_feed(url: &str) -> NewFeed {
    NewFeed {
        url: url.to_string(),
        title: Some("Sample feed".into()),
        site_url: Some("https://example.org/".into()),
        publisher: "Example Gazette".into(),
        policy: RepublishPolicy::Full,
        allow_private: false,
        interval_secs: 3600,
    }
}

/// A valid article by `publisher` at `url`, published at `published_at`, with no feed, guid,
/// tags or terms.
pub fn sample_article(
    publisher: &str,
    url: &str,
    title: &str,
    published_at: Option<DateTime<Utc>>,
) -> NewArticle {
    NewArticle {
        feed_id: None,
        publisher: publisher.to_string(),
        guid: None,
        url: url.to_string(),
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published_at,
        image: None,
        language: Some("en".into()),
        site_name: None,
        text: format!("{title}.\n\nA body paragraph about nothing in particular."),
        html: format!("<p>{title}.</p><p>A body paragraph about nothing in particular.</p>"),
        excerpt: format!("{title}."),
        body_source: BodySource::Page,
        policy: RepublishPolicy::Excerpt,
        tags: Vec::new(),
        terms: Vec::new(),
    }
}

/// Tags from display labels (labels without letters or digits are dropped).
pub fn tags(labels: &[&str]) -> Vec<Tag> {
    labels.iter().filter_map(|l| Tag::from_label(l)).collect()
}

/// Key terms from `(term, weight)` pairs.
pub fn terms(pairs: &[(&str, f32)]) -> Vec<KeyTerm> {
    pairs
        .iter()
        .map(|(term, weight)| KeyTerm {
            term: (*term).to_string(),
            weight: *weight,
        })
        .collect()
}

/// Stores `article`, panicking unless it was new; returns its id.
pub async fn insert_new(storage: &dyn Storage, article: NewArticle) -> ArticleId {
    let url = article.url.clone();
    match storage.insert_article(article).await {
        Ok(InsertOutcome::Inserted(id)) => id,
        Ok(InsertOutcome::Duplicate(id)) => panic!("{url} was taken for a duplicate of {id}"),
        Err(e) => panic!("inserting {url} failed: {e}"),
    }
}

/// Stores `article` (panicking unless it was new) and places it in `story`, a new story when
/// `None`; returns the article and its story.
pub async fn insert_placed(
    storage: &dyn Storage,
    article: NewArticle,
    story: Option<StoryId>,
) -> (ArticleId, StoryId) {
    let id = insert_new(storage, article).await;
    let placement = StoryPlacement {
        article_id: id,
        story,
        copy_of: None,
        original_of: Vec::new(),
        neighbours: Vec::new(),
        tags: None,
    };
    let story = storage
        .place_in_story(placement)
        .await
        .unwrap_or_else(|e| panic!("placing article {id} failed: {e}"));
    (id, story)
}

/// Every check of the suite, once. `$single` receives the checks over one storage and
/// `$shared` those over two storages on one database, each as `module::check` paths relative
/// to this module, e.g. `for_each_check!(suite, shared_suite)`.
#[cfg(test)]
macro_rules! for_each_check {
    ($single:ident, $shared:ident) => {
        $single!(
            ai_cache::ai_results_are_cached_per_key,
            ai_cache::ai_tokens_add_up_per_day,
            coordination::jobs_are_unique_per_kind_and_key_while_live,
            coordination::leases_are_exclusive_and_expire,
            coordination::failed_jobs_retry_later_or_die,
            coordination::dead_jobs_are_listed_and_retried,
            coordination::jobs_that_crash_their_worker_twice_die,
            coordination::leadership_is_held_by_one_and_moves_when_dropped,
            coordination::host_slots_bound_concurrency_and_expire,
            coordination::throttles_count_within_the_window,
            coordination::site_secrets_are_created_once,
            coordination::unplaced_articles_are_the_story_stages_work,
            feeds::add_feed_reads_back,
            feeds::add_feed_twice_conflicts,
            feeds::add_feed_refuses_bad_input,
            feeds::due_feeds_respect_next_fetch_at,
            feeds::record_feed_fetch_round_trips,
            feeds::record_feed_fetch_of_unknown_feed_fails,
            feeds::remove_feed_keeps_articles,
            cache_stamps::stamps_move_with_every_change_pages_show,
            articles::insert_and_read_back,
            articles::duplicate_by_guid,
            articles::duplicate_by_url_or_canonical,
            articles::find_duplicate_matches,
            articles::insert_refuses_bad_input,
            lists::latest_orders_newest_first_and_pages,
            lists::publisher_pages,
            lists::tag_pages,
            lists::trending_tags_count_recent_articles,
            lists::search_finds_and_tolerates_any_input,
            lists::related_excludes_own_publisher_and_orders_by_shared_terms,
            sitemap::sitemap_lists_pages_in_key_order_with_their_times,
            accounts::user_names_are_unique_in_any_case,
            accounts::sessions_expire_revoke_and_end_on_ban,
            accounts::password_resets_are_one_time,
            accounts::comment_threads_page_and_count,
            accounts::reports_queue_and_the_audit_log,
            tokens::tokens_carry_scopes_and_expire,
            tokens::all_tokens_of_a_user_are_revoked_at_once,
            tokens::look_alike_names_are_refused,
            admin::admin_feeds_filter_sort_and_page,
            admin::paused_feeds_are_not_due_and_can_be_rescheduled,
            admin::publishers_are_renamed_with_their_policy,
            admin::site_overview_counts,
            admin::users_roles_sessions_and_deletion,
            admin::operator_tasks_record_progress,
            raw_pages::raw_page_round_trips,
            raw_pages::raw_page_ids_filter,
            raw_pages::purge_drops_old_pages_only,
            raw_pages::update_article_extraction_rewrites,
            raw_pages::site_blocks_count_each_page_once_per_site,
            images::lead_images_round_trip_and_replace,
            images::lead_images_refuse_bad_input,
            stories::stories_group_articles_and_count_outlets,
            headlines::stories_are_headlined_by_the_coverage_not_the_oldest_title,
            stories::copies_are_listed_under_the_original_and_never_related,
            stories::a_later_original_takes_over_the_copies,
            stories::placement_refuses_unknown_articles_and_stories,
            stories::harmonised_tags_and_index_rows_read_back,
            stories::neighbours_keep_the_last_similarity_and_skip_missing_articles,
            story_revisions::a_merge_moves_articles_and_leaves_a_redirect,
            story_revisions::a_split_moves_articles_into_a_new_story,
            follows::follows_are_unique_listed_and_removed,
            follows::for_you_mixes_follows_by_story_and_skips_read_stories,
            follows::followed_stories_mark_new_coverage_until_visited,
            follows::saved_articles_page_and_refuse_unknown_articles,
        );
        $shared!(
            shared_database::concurrent_inserts_store_an_article_once,
            shared_database::concurrent_workers_never_lease_the_same_job,
            shared_database::an_expired_lease_moves_to_the_other_process,
            shared_database::leadership_moves_between_processes,
            shared_database::host_slots_are_shared_by_all_processes,
            shared_database::site_secrets_agree_across_processes,
            cache_stamps::stamps_are_shared_by_all_processes,
        );
    };
}

#[cfg(test)]
pub(crate) use for_each_check;
