ALTER TABLE contas ADD COLUMN nome text;
