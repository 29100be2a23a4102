/// Case search ignores accents as well as case: agents type `lefevre` for `Lefèvre`.
/// `unaccent` ships with PostgreSQL and is trusted (PostgreSQL 13 and later), so the
/// database's owner may create it. `parcours_fold` is the one folding the search applies
/// to both sides. It is STABLE, as `unaccent` is, so that PostgreSQL inlines it: an
/// IMMUTABLE wrapper is not inlined (a function call per value, twice the time on a
/// scan) and would pay only for an index, which a substring search in any visible field
/// cannot use.
enum Migration013SearchUnaccent {
    static let migration = Migration(version: 13, name: "search unaccent", statements: [
        #"""
        CREATE EXTENSION IF NOT EXISTS unaccent
        """#,
        #"""
        CREATE FUNCTION parcours_fold(text) RETURNS text
            LANGUAGE sql STABLE STRICT PARALLEL SAFE
            AS $$ SELECT lower(unaccent('unaccent'::regdictionary, $1)) $$
        """#,
    ])
}
