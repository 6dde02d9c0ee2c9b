/** The whole country: provinces, districts and the office's regional centres, loaded from `src/geo/data`. */
export {
  defaultGeographyDataDir,
  GeographyDataError,
  loadGeography,
  MAX_POINT_DISTANCE_KM,
  type District,
  type Geography,
  type PlaceMatch,
  type Province,
  type Region,
} from "./geography";
