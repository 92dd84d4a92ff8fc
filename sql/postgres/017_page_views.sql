-- Page views of published stories, counted without cookies and without
-- addresses: each node counts in memory and adds its counts here every
-- few seconds, one row per story and day (days since 1970-01-01 UTC).
-- Known bots and readers who ask not to be tracked (DNT, GPC) are not
-- counted (src/site/views.c).
CREATE TABLE page_views (
	article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	day        integer NOT NULL,
	views      bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (article_id, day)
);
-- "Most read": the views of recent days, by day.
CREATE INDEX page_views_by_day ON page_views(day, article_id, views);
