// filter_sql.h: a QuoteFilter (quote_filter.h) as a SQL condition on one
// occurrence, with its values as parameters. Used by the CSV export; meant
// for every listing that honours the filters (GET /api/v1/quotes can wrap
// it in EXISTS (SELECT 1 FROM occurrences o JOIN documents d ... WHERE
// o.quote_id = q.id AND <condition>)).
//
// The condition refers to these aliases, which the caller's FROM must bind:
//   o   occurrences
//   d   documents (d.id = o.document_id)
//   ot  outlets (LEFT JOIN ON ot.id = d.outlet_id)
// The cluster is reached through o.quote_id. Semantics are those written in
// quote_filter.h; in SQL terms:
//   q        o.quote_id among the clusters whose norm_text contains
//            NormalizeQuote(q) (LIKE), or is word-similar to it (pg_trgm
//            `<%`: the caller's transaction must set
//            pg_trgm.word_similarity_threshold to kFindMinWordSimilarity,
//            sql::kSetWordSimilarity), or whose canonical_text matches
//            plainto_tsquery(q) in the cluster language's configuration
//            (qt_ts_config: french, english, else simple)
//   speaker  o.speaker_id among the speakers with an alias key, or a name
//            whose key, contains SpeakerKey(speaker)
//   agency   some occurrence_via row of o names a relay whose name or one
//            of its aliases equals the value after lower(qt_unaccent()); or,
//            when the value is all digits, whose id it is
//   outlet   lower(qt_unaccent(ot.name)) contains lower(qt_unaccent(value))
//   lang     lower(d.language) is the value or starts with value + "-"
//   kind     o.kind = value
//   from/to  d.published_at >= from and < to
// Empty fields add nothing; an empty filter gives "TRUE". Values only ever
// travel as parameters ($n); the SQL text holds none of them.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "quote_filter.h"

namespace quotetrail {

// Appends the filter's values to `params` (numbered from params.size() + 1)
// and returns the condition.
std::string OccurrenceFilterCondition(const QuoteFilter& filter, std::vector<std::string>& params);

}  // namespace quotetrail
