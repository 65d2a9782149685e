-- The image catalog's state (ADR 012). Portable SQL: runs unchanged on SQLite and PostgreSQL.

-- The last poll of each suite's InRelease: the validators for the next conditional GET and what was verified.
CREATE TABLE catalog_suites (
    archive VARCHAR(500) NOT NULL,
    suite VARCHAR(100) NOT NULL,
    etag VARCHAR(200),
    last_modified VARCHAR(100),
    inrelease_sha256 VARCHAR(64),
    release_date_ms BIGINT,
    polled_at_ms BIGINT NOT NULL,
    changed_at_ms BIGINT,
    PRIMARY KEY (archive, suite)
);

-- When each package version was first seen in the archive: the Date of the first InRelease that
-- carried it. baseline = 1 for versions already there at the first poll (the true date is earlier).
CREATE TABLE catalog_package_versions (
    archive VARCHAR(500) NOT NULL,
    suite VARCHAR(100) NOT NULL,
    architecture VARCHAR(32) NOT NULL,
    package VARCHAR(200) NOT NULL,
    version VARCHAR(200) NOT NULL,
    source VARCHAR(200) NOT NULL,
    source_version VARCHAR(200) NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    noticed_at_ms BIGINT NOT NULL,
    baseline INTEGER NOT NULL,
    PRIMARY KEY (archive, suite, architecture, package, version)
);
CREATE INDEX catalog_package_versions_source ON catalog_package_versions (source, source_version);

-- Every published image: spec, variant, digest (index or single manifest), per-platform digests,
-- the lockfile it was built from, where and when it was published, and the tags it was given.
CREATE TABLE catalog_publications (
    id VARCHAR(36) PRIMARY KEY,
    image VARCHAR(200) NOT NULL,
    variant VARCHAR(32) NOT NULL,
    release VARCHAR(64) NOT NULL,
    digest VARCHAR(140) NOT NULL,
    platforms TEXT NOT NULL,
    repository VARCHAR(500) NOT NULL,
    tags TEXT NOT NULL,
    lock_sha256 VARCHAR(64) NOT NULL,
    lockfile TEXT NOT NULL,
    previous_digest VARCHAR(140),
    published_at_ms BIGINT NOT NULL
);
CREATE INDEX catalog_publications_image ON catalog_publications (image, variant, published_at_ms);

-- Each (image, CVE) a rebuild fixed: when the fixed version appeared in the archive, when the image was published.
CREATE TABLE catalog_fixes (
    publication_id VARCHAR(36) NOT NULL,
    image VARCHAR(200) NOT NULL,
    variant VARCHAR(32) NOT NULL,
    digest VARCHAR(140) NOT NULL,
    previous_digest VARCHAR(140),
    cve VARCHAR(64) NOT NULL,
    severity VARCHAR(16) NOT NULL,
    source VARCHAR(200) NOT NULL,
    fixed_version VARCHAR(200) NOT NULL,
    installed_version VARCHAR(200) NOT NULL,
    appeared_at_ms BIGINT,
    appeared_baseline INTEGER NOT NULL,
    published_at_ms BIGINT NOT NULL,
    PRIMARY KEY (publication_id, cve, source)
);
CREATE INDEX catalog_fixes_cve ON catalog_fixes (cve);
