package escola

// TextRules exposes the text rules to the external tests.
var TextRules = textRules

// RangeRules exposes the numeric rules to the external tests.
var RangeRules = rangeRules
