-- One database and one login role per deployable; no service connects as the postgres superuser.
-- docker-compose's PostgreSQL runs this once, on first start, with psql (\getenv needs psql 15 or later);
-- the passwords come from the container's environment (docker-compose.yml).
\set ON_ERROR_STOP on

\getenv expropriation_password EXPROPRIATION_DB_PASSWORD
\getenv medinsurance_password MEDINSURANCE_DB_PASSWORD
\getenv science_password SCIENCE_DB_PASSWORD
\getenv dogs_password DOGS_DB_PASSWORD
\getenv gateway_password GATEWAY_DB_PASSWORD

CREATE ROLE expropriation LOGIN PASSWORD :'expropriation_password';
CREATE ROLE medinsurance LOGIN PASSWORD :'medinsurance_password';
CREATE ROLE science LOGIN PASSWORD :'science_password';
CREATE ROLE dogs LOGIN PASSWORD :'dogs_password';
CREATE ROLE gateway LOGIN PASSWORD :'gateway_password';

-- Each role owns its database (and so its public schema, PostgreSQL 15+) and may connect to no other.
CREATE DATABASE expropriation OWNER expropriation;
CREATE DATABASE medinsurance OWNER medinsurance;
CREATE DATABASE science OWNER science;
CREATE DATABASE dogs OWNER dogs;
CREATE DATABASE gateway OWNER gateway;
REVOKE CONNECT, TEMPORARY ON DATABASE expropriation, medinsurance, science, dogs, gateway FROM PUBLIC;
