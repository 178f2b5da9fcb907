-- owner: recording
-- Who spoke when, per leg, computed by the pipeline from the two separate leg files (voice activity on 20 ms
-- frames): {"customer": {"speechShare", "longestSilenceMs", "spans": [[fromMs, toMs], …]}, "agent": {…},
-- "overtalkMs"}. QA's suspicious-call check and the player's "next speech" read it. Null for recordings made before.
alter table recording add column activity jsonb;
