package superoffice_test

// The tests read SO-TimeZone's zones from Go's embedded database, as the
// hookhub command does, whatever zoneinfo the machine has.
import _ "time/tzdata"
