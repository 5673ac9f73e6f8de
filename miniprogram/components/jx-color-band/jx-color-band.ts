/** The colour of a health code as a large band, always with the colour named in words (never colour alone). */
Component({
  properties: {
    color: { type: String, value: 'green' },
    name: { type: String, value: '' },
    meaning: { type: String, value: '' },
  },
});
