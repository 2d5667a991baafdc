package blog

// TextRules exposes the text rules to the external tests.
var TextRules = textRules
