-- The confusable skeleton (Unicode TS #39) of each user name, unique so that look-alike
-- names cannot both exist. Rows made before are filled in when the storage opens (the
-- skeleton is computed in Rust); NULLs do not collide meanwhile.
ALTER TABLE users ADD COLUMN name_skeleton TEXT;
CREATE UNIQUE INDEX users_name_skeleton ON users (name_skeleton);
