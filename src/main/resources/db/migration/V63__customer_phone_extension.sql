-- owner: campaign
-- A DMS phone written with an extension (010-12345678转8001): the dialer dials phone, the agent asks for phone_ext.
alter table customer add column phone_ext text check (phone_ext ~ '^[0-9]{1,6}$');
