# A small Pelican blog written for sitegen's import tests.
AUTHOR = "Dana Whitfield"
SITENAME = "Harbour Skin Clinic"
STATIC_PATHS = ["images"]
