-- Short blocks (section labels, comment counts, contact lines) counted per site across its
-- pages, so the ones a site repeats on many pages can be dropped from article bodies.
-- A page is counted once (site_block_pages); `pages` is on how many pages the block was seen.
CREATE TABLE site_block_pages (
    site TEXT NOT NULL,
    page TEXT NOT NULL,
    PRIMARY KEY (site, page)
);

CREATE TABLE site_blocks (
    site  TEXT    NOT NULL,
    block TEXT    NOT NULL,
    pages BIGINT  NOT NULL,
    PRIMARY KEY (site, block)
);
