-- One database per deployable (docker-compose's PostgreSQL runs this once, on first start).
CREATE DATABASE expropriation;
CREATE DATABASE medinsurance;
CREATE DATABASE science;
CREATE DATABASE dogs;
CREATE DATABASE gateway;
