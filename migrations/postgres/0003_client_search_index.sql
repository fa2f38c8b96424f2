-- The import finds a client without numbers by its exact search text (name, company, e-mail);
-- without this index every such row scanned the whole table.
CREATE INDEX clients_search_text ON clients (search_text);
