-- Staff accounts with roles, generalised from the integrity office's officers: the same sign-in
-- (password and TOTP), lockout and sessions, for every department. Every existing account was an
-- integrity officer and keeps that role.
ALTER TABLE officers RENAME TO staff;
ALTER TABLE officer_sessions RENAME TO staff_sessions;

-- The roles an account holds (codes of app::staff::Role, checked by the code that writes them).
CREATE TABLE staff_roles (
    username TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (username, role)
);

INSERT INTO staff_roles (username, role) SELECT username, 'integrity-officer' FROM staff;
