// The one date parser (model::parse_iso_date), used by the scenario loader, CSV series, the HDF5 writer and
// reader and the summaries. Day numbers from Python's datetime: (date(y, m, d) - date(1970, 1, 1)).days.
#include <doctest/doctest.h>

#include "caspflow/model/series.hpp"

using caspflow::model::parse_iso_date;

TEST_CASE("parse_iso_date: real proleptic Gregorian dates YYYY-MM-DD only") {
  CHECK(parse_iso_date("1970-01-01") == 0L);
  CHECK(parse_iso_date("2025-01-01") == 20089L);
  CHECK(parse_iso_date("2024-02-29") == 19782L);  // a leap day
  CHECK(parse_iso_date("1900-03-01") == -25508L); // 1900 is not a leap year
  for (const char* bad : {"2025-02-29", "2025-02-31", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00",
                          "2025-1-5", "25-01-01", "2025/01/01", "2025-01-01T00:00", " 2025-01-01", "", "abcd-ef-gh"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso_date(bad).has_value());
  }
}
