-- Fetch pauses (429, refused key) per provider and key: one task API's refused key or rate limit holds only
-- its own fetches. A pause recorded before providers were named is jimeng-gateway's; pauses last minutes.
ALTER TABLE jimeng_pauses ADD COLUMN provider text NOT NULL DEFAULT 'jimeng-gateway';
ALTER TABLE jimeng_pauses DROP CONSTRAINT jimeng_pauses_pkey;
ALTER TABLE jimeng_pauses ADD PRIMARY KEY (provider, key_hash);
