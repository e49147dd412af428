/** rapidsms/contrib/locations: location types, locations on an offline map, a contact's location (docs 21.5). */
export { LocationsApp, type LocatedContact } from './app.js'
export { Location, LocationType, locationEntities, locationErrors, ancestorsOf, LOCATION_MESSAGES, type LocationValues } from './models.js'
export { locationsPages, locationFeature, OUTLINES, type Outline } from './pages.js'
export { findLocations, locationDetail, locationTypes, locationChoices, type LocationRow, type TypeRow } from './queries.js'
export { loadSampleLocations, SAMPLE_LOCATIONS } from './fixtures.js'
