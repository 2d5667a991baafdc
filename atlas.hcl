# Atlas project file: the same files go run ./cmd/migrate works on, for
# people who have the Atlas CLI.
#
#   export DATABASE_URL='postgres://postgres@localhost:5432/versiona?sslmode=disable'
#   export DEV_DATABASE_URL='postgres://postgres@localhost:5432/dev?sslmode=disable'  # an empty scratch database
#   atlas migrate diff NAME --env local
#   atlas migrate apply --env local
#   atlas migrate status --env local
#
# The URLs name no schema, so Atlas works on the whole database and keeps its
# revisions in atlas_schema_revisions.atlas_schema_revisions, as cmd/migrate does.
env "local" {
  # Desired state of the database.
  src = "file://schema.sql"
  # Database to migrate.
  url = getenv("DATABASE_URL")
  # Empty database Atlas may wipe to replay migrations and normalise the schema.
  dev = getenv("DEV_DATABASE_URL")

  migration {
    dir = "file://db/migrations"
  }

  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
