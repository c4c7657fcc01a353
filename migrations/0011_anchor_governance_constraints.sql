-- Anchor standards are the platform's, published through a control-plane transaction as the
-- owning role; every tenant reads them (a violation names the rule in force), none writes them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "anchor_standards" FROM showrunner_app;
